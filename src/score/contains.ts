import type { ReplayedRun } from '../model/run.js';
import { formatJsonShort } from './json-value.js';
import { excerpt, outputText, selectOutput } from './output-target.js';
import { errored, failed, passed, type AssertionDefinition, type AssertionOutcome, type SpecOf } from './types.js';

/**
 * Where `needle` first occurs in the selected output text, or why the search could not run.
 * Shared by `contains` and `not-contains`: they differ only in which answer passes.
 */
export function searchOutput(
  spec: SpecOf<'contains'> | SpecOf<'not-contains'>,
  run: ReplayedRun,
): { ok: true; text: string; index: number; label: string } | { ok: false; outcome: AssertionOutcome } {
  if (typeof spec.value !== 'string') return { ok: false, outcome: errored(`${spec.type} needs a string \`value\`, got ${formatJsonShort(spec.value)}`) };
  const selected = selectOutput(run, spec.path);
  if (!selected.ok) return selected;
  const text = outputText(selected.value);
  const caseSensitive = spec.caseSensitive !== false;
  const index = caseSensitive ? text.indexOf(spec.value) : text.toLowerCase().indexOf(spec.value.toLowerCase());
  return { ok: true, text, index, label: selected.label };
}

/** ` (ignoring case)` when the spec asks for it, for names and messages. */
export function caseNote(spec: { caseSensitive?: boolean }): string {
  return spec.caseSensitive === false ? ' (ignoring case)' : '';
}

/**
 * `contains`: the output text (a string output as is, anything else as JSON text) includes `value`.
 * @default caseSensitive true
 */
export const containsAssertion: AssertionDefinition<'contains'> = {
  type: 'contains',
  describe: (spec) => `${spec.path ? `output at ${spec.path}` : 'output'} contains ${JSON.stringify(spec.value)}${caseNote(spec)}`,
  evaluate(spec, run) {
    const found = searchOutput(spec, run);
    if (!found.ok) return found.outcome;
    const { text, index, label } = found;
    if (index >= 0) return passed(`${label} contains the expected text`);
    const what = text === '' ? 'it is empty' : `it was ${formatJsonShort(text, 80)}`;
    return failed(`expected ${label} to contain ${JSON.stringify(spec.value)}${caseNote(spec)}; ${what}`, { actual: excerpt(text, 0, 0, 250) });
  },
};
