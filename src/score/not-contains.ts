import { caseNote, searchOutput } from './contains.js';
import { excerpt } from './output-target.js';
import { failed, passed, type AssertionDefinition } from './types.js';

/**
 * `not-contains`: the output text (a string output as is, anything else as JSON text) does not include
 * `value`. The evidence of a failure is where it occurs, with some context.
 * @default caseSensitive true
 */
export const notContainsAssertion: AssertionDefinition<'not-contains'> = {
  type: 'not-contains',
  describe: (spec) => `${spec.path ? `output at ${spec.path}` : 'output'} does not contain ${JSON.stringify(spec.value)}${caseNote(spec)}`,
  evaluate(spec, run) {
    const found = searchOutput(spec, run);
    if (!found.ok) return found.outcome;
    const { text, index, label } = found;
    if (index < 0) return passed(`${label} does not contain the text`);
    return failed(`expected ${label} not to contain ${JSON.stringify(spec.value)}${caseNote(spec)}, found it at character ${index}`, {
      index,
      context: excerpt(text, index, spec.value.length, 60),
    });
  },
};
