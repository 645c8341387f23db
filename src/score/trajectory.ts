import type { TrajectoryMode } from '../model/assertion.js';
import { formatJsonShort } from './json-value.js';
import { toolCalls } from './timeline.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

const MODES: readonly TrajectoryMode[] = ['strict', 'unordered', 'subset', 'superset'];

/** Whether `small` appears in `large` in order, other items allowed in between. */
function isSubsequence(small: readonly string[], large: readonly string[]): boolean {
  let i = 0;
  for (let j = 0; i < small.length && j < large.length; j++) if (small[i] === large[j]) i++;
  return i === small.length;
}

function sameSequence(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function counts(names: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
}

/** What `a` has more of than `b`, as a list (multiset difference). */
function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = counts(b);
  const out: string[] = [];
  for (const n of a) {
    const c = left.get(n) ?? 0;
    if (c > 0) left.set(n, c - 1);
    else out.push(n);
  }
  return out;
}

/** Length of the longest common subsequence: O(n·m) time, O(m) memory; run only on failures. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** First index where the two sequences differ (the shorter one's length when one is a prefix of the other). */
function firstDeparture(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function holds(mode: TrajectoryMode, expected: readonly string[], actual: readonly string[]): boolean {
  switch (mode) {
    case 'strict':
      return sameSequence(expected, actual);
    case 'unordered':
      return expected.length === actual.length && multisetMinus(expected, actual).length === 0;
    case 'subset':
      return isSubsequence(expected, actual);
    case 'superset':
      return isSubsequence(actual, expected);
  }
}

/**
 * Partial credit, 0..1. `strict`: LCS / longer length. `unordered`: shared calls (multiset) / longer
 * length. `subset`: the share of expected calls found in order (LCS / expected). `superset`: the share of
 * actual calls that fit the expected order (LCS / actual).
 */
function similarity(mode: TrajectoryMode, expected: readonly string[], actual: readonly string[]): number {
  const longer = Math.max(expected.length, actual.length);
  switch (mode) {
    case 'strict':
      return longer === 0 ? 1 : lcsLength(expected, actual) / longer;
    case 'unordered':
      return longer === 0 ? 1 : (expected.length - multisetMinus(expected, actual).length) / longer;
    case 'subset':
      return expected.length === 0 ? 1 : lcsLength(expected, actual) / expected.length;
    case 'superset':
      return actual.length === 0 ? 1 : lcsLength(expected, actual) / actual.length;
  }
}

/**
 * `trajectory`: the sequence of tool names the agent called against `expected`.
 * `strict` (default): the same sequence. `unordered`: the same calls in any order. `subset`: every expected
 * call appears, in order, with other calls allowed in between. `superset`: every actual call is among the
 * expected ones, in order (some expected calls may be skipped). The evidence of a failure holds both
 * sequences, the first index where they depart, and the calls missing or unexpected.
 */
export const trajectoryAssertion: AssertionDefinition<'trajectory'> = {
  type: 'trajectory',
  describe: (spec) => `trajectory${spec.mode && spec.mode !== 'strict' ? ` (${spec.mode})` : ''}: ${spec.expected.length === 0 ? '(no tool calls)' : spec.expected.join(' → ')}`,
  evaluate(spec, run) {
    const mode = spec.mode ?? 'strict';
    if (!MODES.includes(mode)) return errored(`trajectory mode must be one of ${MODES.join(', ')}, got ${formatJsonShort(mode)}`);
    const expected = spec.expected;
    if (!Array.isArray(expected) || expected.some((n) => typeof n !== 'string')) {
      return errored('trajectory needs `expected`: a list of tool names');
    }
    const actual = toolCalls(run.timeline).map((c) => c.name);
    if (holds(mode, expected, actual)) return passed(`tool calls follow the expected trajectory (${mode})`);

    const departsAt = firstDeparture(expected, actual);
    const missing = mode === 'superset' ? [] : multisetMinus(expected, actual);
    const unexpected = mode === 'subset' ? [] : multisetMinus(actual, expected);
    const chain = (names: readonly string[]): string => (names.length === 0 ? '(none)' : names.join(' → '));
    const extra = [missing.length > 0 ? `missing: ${missing.join(', ')}` : '', unexpected.length > 0 ? `unexpected: ${unexpected.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return failed(
      `tool calls do not follow the trajectory (${mode}): expected ${chain(expected)}, got ${chain(actual)}; first departure at index ${departsAt} (expected ${expected[departsAt] ?? '(end)'}, got ${actual[departsAt] ?? '(end)'})${extra ? `; ${extra}` : ''}`,
      { mode, expected, actual, departsAt, missing, unexpected },
      similarity(mode, expected, actual),
    );
  },
};
