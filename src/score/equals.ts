import { withDiff } from './diff-evidence.js';
import { deepEqual, formatJsonShort, leafAgreement } from './json-value.js';
import { selectOutput } from './output-target.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

/**
 * `equals`: the output (or the value at `path`) deep-equals `value`, object key order ignored.
 * A near miss scores the share of leaves that agree; the evidence of a failure between objects or arrays
 * is a json-diff-ts changeset from expected to actual.
 */
export const equalsAssertion: AssertionDefinition<'equals'> = {
  type: 'equals',
  describe: (spec) => `${spec.path ? `output at ${spec.path}` : 'output'} equals ${formatJsonShort(spec.value)}`,
  evaluate(spec, run) {
    const expected = spec.value;
    if (expected === undefined) return errored('equals needs a `value` to compare the output with');
    const selected = selectOutput(run, spec.path);
    if (!selected.ok) return selected.outcome;
    const { value: actual, label } = selected;
    if (actual === undefined) {
      return failed(`expected ${label} to equal ${formatJsonShort(expected)}, but the agent returned no output`, { expected });
    }
    if (deepEqual(expected, actual)) return passed(`${label} equals the expected value`);

    const score = leafAgreement(expected, actual, true);
    const message = `expected ${label} to equal ${formatJsonShort(expected)}, got ${formatJsonShort(actual)}`;
    const structured = typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null;
    if (!structured) return failed(message, { expected, actual }, score);
    return withDiff((diff) => failed(message, { expected, actual, diff: diff(expected, actual) }, score));
  },
};
