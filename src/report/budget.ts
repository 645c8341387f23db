import type { ReportView } from './view-model.js';

/** GitHub refuses comment bodies over 65,536 characters; the margin leaves room for a template's extras. */
export const COMMENT_BUDGET = 60_000;
/** GitHub's job summary takes up to 1 MiB per step. */
export const SUMMARY_BUDGET = 1_000_000;

/**
 * Renders the view, cutting it until the output fits `budget` characters. Cuts in this order, each as
 * little as needed (binary search over how much to keep):
 * 1. case details, least important classes first (the view lists them most important first);
 * 2. rows of the fixes table ("and N more fixes");
 * 3. rows of the regressions table ("and N more regressions").
 * The headline and counts are never cut. Pure, given a pure `render`.
 */
export function renderWithinBudget(view: ReportView, render: (view: ReportView) => string, budget: number): string {
  const full = render(view);
  if (full.length <= budget) return full;

  const withDetails = (keep: number): ReportView => ({
    ...view,
    details: view.details.slice(0, keep),
    detailsOmitted: view.details.length - keep,
  });
  const noDetails = withDetails(0);
  const withFixes = (keep: number): ReportView => ({
    ...noDetails,
    fixes: view.fixes.slice(0, keep),
    fixesMore: view.fixes.length - keep,
  });
  const noFixes = withFixes(0);
  const withRegressions = (keep: number): ReportView => ({
    ...noFixes,
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
  return `${last.slice(0, budget - 80)}\n\n…(report cut to fit the size limit)\n`;
}

/** The render that keeps the most items (0..count-1 kept) and still fits; undefined when keeping none does not fit. */
function largestFitting(
  count: number,
  make: (keep: number) => ReportView,
  render: (view: ReportView) => string,
  budget: number,
): string | undefined {
  let best: string | undefined;
  let lo = 0;
  let hi = count - 1; // `count` itself is known not to fit (the caller tried it, or it equals the previous stage's 0).
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const out = render(make(mid));
    if (out.length <= budget) {
      best = out;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}
