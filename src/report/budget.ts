import type { ReportView } from './view-model.js';

/** GitHub refuses comment bodies over 65,536 characters; the margin leaves room for a template's extras. */
export const COMMENT_BUDGET = 60_000;
/** GitHub's job summary takes up to 1 MiB per step. */
export const SUMMARY_BUDGET = 1_000_000;

/**
 * Renders the view, cutting it until the output fits `budget` characters. Cuts in this order, each as
 * little as needed:
 * 1. case details, least important classes first (the view lists them most important first);
 * 2. rows of the fixes table ("and N more fixes");
 * 3. rows of the regressions table ("and N more regressions").
 * The headline and counts are never cut. Pure, given a pure `render`.
 *
 * Each stage searches upward from keeping nothing (doubling, then bisecting), so no render is much larger
 * than the budget: rendering all details of 5,000 cases just to learn that they do not fit would cost
 * seconds.
 */
export function renderWithinBudget(view: ReportView, render: (view: ReportView) => string, budget: number): string {
  const withDetails = (keep: number): ReportView => ({
    ...view,
    details: view.details.slice(0, keep),
    detailsOmitted: view.details.length - keep,
  });
  const withFixes = (keep: number): ReportView => ({
    ...withDetails(0),
    fixes: view.fixes.slice(0, keep),
    fixesMore: view.fixes.length - keep,
  });
  const withRegressions = (keep: number): ReportView => ({
    ...withFixes(0),
    regressions: view.regressions.slice(0, keep),
    regressionsMore: view.regressions.length - keep,
  });

  for (const [count, make] of [
    [view.details.length, withDetails],
    [view.fixes.length, withFixes],
    [view.regressions.length, withRegressions],
  ] as const) {
    const fitted = largestFitting(count, make, render, budget);
    if (fitted !== undefined) return fitted;
  }
  // Only a pathological template gets here: keep the start, which holds the marker and headline.
  const last = render(withRegressions(0));
  return `${last.slice(0, Math.max(0, budget - 80))}\n\n…(report cut to fit the size limit)\n`;
}

/**
 * The render that keeps the most of `count` items and still fits, found by doubling from 0 and then
 * bisecting; undefined when even keeping none is too big.
 */
function largestFitting(
  count: number,
  make: (keep: number) => ReportView,
  render: (view: ReportView) => string,
  budget: number,
): string | undefined {
  let best = render(make(0));
  if (best.length > budget) return undefined;
  let fits = 0;
  let tooBig = count + 1;
  for (let step = 1; fits < count; step *= 2) {
    const keep = Math.min(count, fits + step);
    const out = render(make(keep));
    if (out.length > budget) {
      tooBig = keep;
      break;
    }
    fits = keep;
    best = out;
  }
  while (tooBig - fits > 1) {
    const mid = (fits + tooBig) >>> 1;
    const out = render(make(mid));
    if (out.length <= budget) {
      fits = mid;
      best = out;
    } else {
      tooBig = mid;
    }
  }
  return best;
}
