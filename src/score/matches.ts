import { formatJsonShort } from './json-value.js';
import { excerpt, outputText, selectOutput } from './output-target.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

// Patterns repeat across cases and attempts; a compiled RegExp (or the reason it does not compile) is kept.
const compiled = new Map<string, RegExp | string>();

function compile(pattern: string, flags: string): RegExp | string {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, flags);
    } catch (error) {
      re = `invalid regular expression /${pattern}/${flags}: ${(error as Error).message}`;
    }
    compiled.set(key, re);
  }
  return re;
}

/** `/pattern/flags`, for names and messages. */
function show(pattern: string, flags: string | undefined): string {
  return `/${pattern}/${flags ?? ''}`;
}

/**
 * `matches`: the output text (a string output as is, anything else as JSON text) matches the regular
 * expression `pattern` with `flags`. A pattern that does not compile errors the assertion, naming the flaw.
 */
export const matchesAssertion: AssertionDefinition<'matches'> = {
  type: 'matches',
  describe: (spec) => `${spec.path ? `output at ${spec.path}` : 'output'} matches ${show(spec.pattern, spec.flags)}`,
  evaluate(spec, run) {
    if (typeof spec.pattern !== 'string') return errored(`matches needs a string \`pattern\`, got ${formatJsonShort(spec.pattern)}`);
    const re = compile(spec.pattern, spec.flags ?? '');
    if (typeof re === 'string') return errored(`${re}; fix the pattern or its flags in the case`);
    const selected = selectOutput(run, spec.path);
    if (!selected.ok) return selected.outcome;
    const text = outputText(selected.value);
    // `g` and `y` make a RegExp remember where it stopped; every run must search from the start.
    re.lastIndex = 0;
    const match = re.exec(text);
    if (match) return passed(`${selected.label} matches ${show(spec.pattern, spec.flags)}`, { match: match[0], index: match.index });
    return failed(`expected ${selected.label} to match ${show(spec.pattern, spec.flags)}; it was ${formatJsonShort(text, 80)}`, {
      actual: excerpt(text, 0, 0, 250),
    });
  },
};
