import type { ComparedCase, Verdict } from '../model/index.js';
import { VERDICT_ORDER } from '../compare/compare.js';
import { VERDICT_WORDS } from '../compare/outcome.js';

/** Verdict classes in the order reports show them (what needs attention first), as the comparison orders them. */
export const REPORT_VERDICT_ORDER: readonly Verdict[] = VERDICT_ORDER;

/** Words for a count of cases in a class: "2 fixed, 1 broke again, 5 still failing". */
export const VERDICT_PHRASE: Readonly<Record<Verdict, string>> = VERDICT_WORDS;

/** Section titles. */
export const VERDICT_TITLE: Readonly<Record<Verdict, string>> = {
  regressed: 'Regressed',
  errored: 'Errored',
  fixed: 'Fixed',
  flaky: 'Flaky',
  new: 'New',
  'still-failing': 'Still failing',
  passing: 'Passing',
  removed: 'Removed',
};

/** Counts per verdict, computed from the cases themselves so a report never disagrees with its own rows. */
export function countVerdicts(cases: readonly ComparedCase[]): Record<Verdict, number> {
  const counts = Object.fromEntries(REPORT_VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
  return counts;
}

/**
 * The one-line summary of a comparison, classes in report order, empty classes left out.
 * @example formatHeadline({ regressed: 1, fixed: 2, 'still-failing': 5, ... }) // '1 broke again, 2 fixed, 5 still failing'
 */
export function formatHeadline(counts: Readonly<Record<Verdict, number>>, options: { includePassing?: boolean } = {}): string {
  const parts: string[] = [];
  for (const verdict of REPORT_VERDICT_ORDER) {
    const n = counts[verdict] ?? 0;
    if (n === 0 || (verdict === 'passing' && options.includePassing === false)) continue;
    parts.push(`${n} ${VERDICT_PHRASE[verdict]}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no cases';
}

/** Sorts compared cases by report order, then by key, without changing the input. */
export function sortByVerdict<T extends Pick<ComparedCase, 'verdict' | 'key'>>(cases: readonly T[]): T[] {
  const rank = new Map(REPORT_VERDICT_ORDER.map((v, i) => [v, i]));
  return [...cases].sort((a, b) => (rank.get(a.verdict) ?? 99) - (rank.get(b.verdict) ?? 99) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
