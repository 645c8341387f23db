/**
 * # Verdicts (the same text, with tables, is docs/verdicts.md)
 *
 * `rehearse` compares the head run (the code under review) with a baseline run, case by case (matched by
 * `<suite>/<id>`), and gives each case one verdict with a one-sentence reason. Without a baseline, each
 * case is judged against its own captured outcome: the run recorded when the case was made.
 *
 * ## Each side first
 * A side's attempts are summed up by `summarizeAttempts`: `errored` when every attempt errored (crash,
 * timeout, hang) or the case could not load; `diverged` when none passed or failed and one made a call the
 * recording cannot answer. Otherwise the pass rate r = passes / runs decides: `pass` when
 * r >= thresholds.pass (default 1), `fail` when r <= thresholds.fail (default 0), `flaky` in between.
 *
 * ## Against a baseline (the first rule that matches wins)
 * 1. `removed`: the case is only in the baseline.
 * 2. `errored`: head errored. Nothing was judged, so it is never counted as fixed or regressed. Exception:
 *    when the agent itself crashed (threw, timed out, hung, died) and the base errored too, the verdict is
 *    `still-failing`: a known crash that is not fixed yet must not fail every build. A case that fails to
 *    load or an agent module that fails to import is always `errored`.
 * 3. `new`: not in the baseline. Still judged against its captured outcome (below); the reason says how:
 *    "new: captured failing, now passes".
 * 4. Head diverged (made a call the recording cannot answer): base passed or was flaky → `errored`. The
 *    behaviour changed, but the replay cannot tell whether for the worse, since the recording has no
 *    answer for the new call: `regressed` would blame the agent for a stale recording, a quiet verdict would
 *    hide it. `errored` fails the build and the reason says to re-capture the case if the change is
 *    intended. Base failed, diverged or errored → `still-failing`.
 * 5. `flaky`: either side is flaky.
 * 6. `passing`: both pass. `still-failing`: head fails; base failed, diverged or errored.
 * 7. `fixed`: head passes; base failed, diverged or errored. `regressed`: head fails, base passed.
 *    With repeats (runs > 1 on both sides) a fix or regression must also be significant: a one-sided
 *    Fisher exact test on the pass counts with p <= significance (default 0.05). Otherwise `flaky`, with the
 *    numbers in the reason: "3/5 on head vs 1/5 on base: p = 0.26, not significant at 0.05; run more
 *    repeats". (0/5 → 5/5: p = 1/252 ≈ 0.004; 0/3 → 3/3: p = 0.05, just; 0/2 → 2/2: p ≈ 0.17, never.)
 *
 * ## Without a baseline (against the captured outcome)
 * Captured `failed` or `errored`: head passes → `fixed`; fails or diverges → `still-failing`.
 * Captured `ok`: head passes → `passing`; fails → `regressed`; diverges → `errored`. A flaky head is
 * `flaky`; an errored head is `errored`, except a captured crash that crashes again (`still-failing`).
 * No significance test: the captured run is one observation. A case with no captured outcome is judged on
 * its own: `passing`, `still-failing`, `flaky` or `errored`.
 *
 * ## Order
 * Cases are listed regressed, errored, fixed, flaky, new, still-failing, passing, removed (`VERDICT_ORDER`),
 * by key within each verdict. Every verdict appears in `counts`, zero or not.
 */
import type { Comparison, ComparedCase, SideSummary, VerdictCounts } from '../model/comparison.js';
import type { RunResults, Verdict } from '../model/result.js';
import { type CompareSettings, judgeCase, judgeRemoved } from './classify.js';
import { summarizeSide } from './summarize.js';

/** The order verdicts are listed in: what needs a reviewer's attention first. */
export const VERDICT_ORDER: readonly Verdict[] = Object.freeze([
  'regressed',
  'errored',
  'fixed',
  'flaky',
  'new',
  'still-failing',
  'passing',
  'removed',
] as const);

/**
 * Options of `compareRuns`, the same shape as `thresholds` and `significance` in `rehearse.config`. Each one
 * given wins over what the head results file recorded (`compare`), which wins over the defaults.
 */
export interface CompareOptions {
  /** Pass-rate thresholds. @default the head file's `compare.thresholds`, else { pass: 1, fail: 0 } */
  thresholds?: { pass?: number; fail?: number };
  /** Significance level of the one-sided exact test for fixes and regressions across repeats. @default the head file's, else 0.05 */
  significance?: number;
}

/**
 * Classify every head case against the baseline, or against its captured outcome when `base` is undefined.
 * The rules are in the comment at the top of this file and in docs/verdicts.md.
 *
 * Keys are unique within a run; should a file repeat one, the first occurrence in the baseline is used.
 *
 * @throws RangeError when the thresholds or significance are out of range (the message names the option).
 * @example
 * const comparison = compareRuns(head, base, { significance: 0.01 });
 * comparison.counts.regressed; // number of regressions
 */
export function compareRuns(head: RunResults, base: RunResults | undefined, options: CompareOptions = {}): Comparison {
  // The head's recorded settings: the config of the run being judged (a PR that changes them is judged by its own).
  const settings = resolveSettings({
    thresholds: { ...head.compare?.thresholds, ...options.thresholds },
    significance: options.significance ?? head.compare?.significance,
  });
  const cases: ComparedCase[] = [];

  if (base === undefined) {
    for (const result of head.cases) {
      const reference = { kind: 'captured', status: result.captured, isNew: false } as const;
      cases.push(judgeCase(result, summarizeSide(result, head.repeat), reference, settings));
    }
    return finish('captured', cases, head);
  }

  const baseSides = new Map<string, SideSummary>();
  for (const result of base.cases) {
    if (!baseSides.has(result.key)) baseSides.set(result.key, summarizeSide(result, base.repeat));
  }
  const seen = new Set<string>();
  for (const result of head.cases) {
    seen.add(result.key);
    const baseSide = baseSides.get(result.key);
    const reference =
      baseSide === undefined
        ? ({ kind: 'captured', status: result.captured, isNew: true } as const)
        : ({ kind: 'base', side: baseSide } as const);
    cases.push(judgeCase(result, summarizeSide(result, head.repeat), reference, settings));
  }
  for (const [key, side] of baseSides) {
    if (!seen.has(key)) cases.push(judgeRemoved(key, side, settings, head));
  }
  return finish('baseline', cases, head);
}

/** A `VerdictCounts` with every verdict at zero. */
export function emptyCounts(): VerdictCounts {
  return { regressed: 0, errored: 0, fixed: 0, flaky: 0, new: 0, 'still-failing': 0, passing: 0, removed: 0 };
}

/** Fill in defaults and check ranges, so a typo in the config fails loudly instead of passing everything. */
export function resolveSettings(options: CompareOptions = {}): CompareSettings {
  const pass = options.thresholds?.pass ?? 1;
  const fail = options.thresholds?.fail ?? 0;
  const significance = options.significance ?? 0.05;
  const inUnit = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;
  if (!inUnit(pass) || !inUnit(fail)) {
    throw new RangeError(
      `rehearse config: thresholds must be pass rates from 0 to 1, got pass = ${pass}, fail = ${fail}; for example { pass: 0.8, fail: 0.2 }`,
    );
  }
  if (!(fail < pass)) {
    throw new RangeError(
      `rehearse config: thresholds.fail (${fail}) must be below thresholds.pass (${pass}); rates between them count as flaky`,
    );
  }
  if (!(Number.isFinite(significance) && significance > 0 && significance < 1)) {
    throw new RangeError(`rehearse config: significance must be between 0 and 1 (exclusive), got ${significance}; 0.05 is usual`);
  }
  return { pass, fail, significance };
}

function finish(against: Comparison['against'], cases: ComparedCase[], head: RunResults): Comparison {
  const counts = emptyCounts();
  // Bucket by verdict, then sort each bucket by key: cheaper than one sort with a two-level comparator,
  // and nearly free when the run listed its cases in key order already.
  const buckets = new Map<Verdict, ComparedCase[]>(VERDICT_ORDER.map((verdict) => [verdict, []]));
  for (const compared of cases) {
    counts[compared.verdict]++;
    buckets.get(compared.verdict)?.push(compared);
  }
  const ordered: ComparedCase[] = [];
  for (const bucket of buckets.values()) {
    bucket.sort(byKey);
    for (const compared of bucket) ordered.push(compared);
  }
  return { against, cases: ordered, counts, head };
}

function byKey(a: ComparedCase, b: ComparedCase): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
