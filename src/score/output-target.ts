import type { Json } from '../model/json.js';
import type { ReplayedRun } from '../model/run.js';
import { resolveOutputPath } from './output-path.js';
import { errored, failed, type AssertionOutcome } from './types.js';

/** The value an output assertion looks at, or the outcome to report when there is none. */
export type OutputSelection = { ok: true; value: Json | undefined; label: string } | { ok: false; outcome: AssertionOutcome };

/**
 * The run's output, or the value at `path` inside it. `label` names it in messages (`output` or
 * `output at /order/status`). A path that finds nothing fails the assertion; a malformed path errors it.
 */
export function selectOutput(run: ReplayedRun, path: string | undefined): OutputSelection {
  if (path === undefined || path === '') return { ok: true, value: run.output, label: 'output' };
  const found = resolveOutputPath(run.output, path);
  if (found.ok) return { ok: true, value: found.value, label: `output at ${path}` };
  return { ok: false, outcome: found.reason === 'invalid' ? errored(found.message) : failed(found.message) };
}

/**
 * The text that `contains`, `not-contains` and `matches` search: a string as is, anything else as its JSON
 * text, and nothing (no output) as the empty string.
 */
export function outputText(value: Json | undefined): string {
  if (typeof value === 'string') return value;
  return value === undefined ? '' : JSON.stringify(value);
}

/** A window of `text` around `index`, for evidence: long outputs should not be copied whole into results. */
export function excerpt(text: string, index = 0, length = 0, radius = 120): string {
  const start = Math.max(0, index - radius);
  const end = Math.min(text.length, index + length + radius);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
