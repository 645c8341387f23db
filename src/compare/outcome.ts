/**
 * What a comparison means for the build: the exit code and the one-line headline reports open with.
 */
import type { Comparison, VerdictCounts } from '../model/comparison.js';
import type { FailOn } from '../model/config.js';
import type { Verdict } from '../model/result.js';
import { VERDICT_ORDER } from './compare.js';

/**
 * The process exit code for a comparison.
 * - `regressed` (default): 1 when any case regressed or errored.
 * - `failing`: 1 also when any case is still failing or flaky, or is new and did not pass every attempt
 *   on head; in short, 0 only when everything that ran passes.
 * - `never`: always 0 (report only).
 * Removed cases never fail the build: there is nothing left to fix.
 */
export function exitCodeFor(comparison: Comparison, failOn: FailOn = 'regressed'): 0 | 1 {
  const { counts } = comparison;
  switch (failOn) {
    case 'never':
      return 0;
    case 'regressed':
      return counts.regressed > 0 || counts.errored > 0 ? 1 : 0;
    case 'failing': {
      if (counts.regressed > 0 || counts.errored > 0 || counts['still-failing'] > 0 || counts.flaky > 0) return 1;
      const newAndNotPassing = comparison.cases.some(
        (compared) => compared.verdict === 'new' && compared.head !== undefined && compared.head.status !== 'passed',
      );
      return newAndNotPassing ? 1 : 0;
    }
    default:
      throw new RangeError(
        `rehearse config: failOn must be 'regressed', 'failing' or 'never', got ${JSON.stringify(failOn)}`,
      );
  }
}

/** How each verdict reads in a headline. "broke again": a regression of a case that was a fixed failure. */
export const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  regressed: 'broke again',
  errored: 'errored',
  fixed: 'fixed',
  flaky: 'flaky',
  new: 'new',
  'still-failing': 'still failing',
  passing: 'passing',
  removed: 'removed',
};

/**
 * One line that sums up a comparison, most urgent first (`VERDICT_ORDER`), non-zero verdicts only:
 * "1 broke again, 1 errored, 2 fixed, 5 still failing". When every case passes: "all 12 passing".
 * With no cases at all: "no cases".
 */
export function headline(counts: VerdictCounts): string {
  const parts: string[] = [];
  let total = 0;
  for (const verdict of VERDICT_ORDER) {
    const count = counts[verdict];
    total += count;
    if (count > 0) parts.push(`${count} ${VERDICT_WORDS[verdict]}`);
  }
  if (total === 0) return 'no cases';
  if (counts.passing === total) return `all ${total} passing`;
  return parts.join(', ');
}
