/**
 * Statistics for repeated attempts: confidence intervals for a pass rate, the exact test that tells a real
 * fix or regression from noise, and pass^k. Pure arithmetic, no dependencies, safe on the hot path.
 */

/** A pass rate with its Wilson score interval. */
export interface RateInterval {
  /** Lower bound, 0..1. */
  low: number;
  /** Upper bound, 0..1. */
  high: number;
  /** Observed rate `passes / runs` (0 when there were no runs). */
  rate: number;
}

/** The alternative hypothesis of a one-sided test: head's pass rate is greater (a fix) or less (a regression). */
export type Direction = 'greater' | 'less';

/**
 * Wilson score interval for a binomial proportion. Unlike the textbook `p ± z·√(p(1-p)/n)` it stays inside
 * 0..1 and does not collapse to a point at 0/n or n/n, which is exactly where small repeat counts live.
 *
 * With no runs nothing is known: the interval is [0, 1] and `rate` is 0.
 *
 * @param z standard-normal quantile; @default 1.96 (95 %)
 * @example wilsonInterval(0, 10) // { low: 0, high: 0.2775, rate: 0 }
 * @example wilsonInterval(5, 10) // { low: 0.2366, high: 0.7634, rate: 0.5 }
 */
export function wilsonInterval(passes: number, runs: number, z = 1.96): RateInterval {
  checkCounts('wilsonInterval', passes, runs);
  if (!(Number.isFinite(z) && z >= 0)) {
    throw new RangeError(`wilsonInterval: z must be a finite number >= 0, got ${z}`);
  }
  if (runs === 0) return { low: 0, high: 1, rate: 0 };
  const rate = passes / runs;
  const z2 = z * z;
  const denominator = 1 + z2 / runs;
  const centre = (rate + z2 / (2 * runs)) / denominator;
  const half = (z / denominator) * Math.sqrt((rate * (1 - rate)) / runs + z2 / (4 * runs * runs));
  // At 0/n and n/n the bounds are exactly 0 and 1 in theory; pin them so rounding cannot show "-0.0000".
  const low = passes === 0 ? 0 : Math.max(0, centre - half);
  const high = passes === runs ? 1 : Math.min(1, centre + half);
  return { low, high, rate };
}

/**
 * One-sided Fisher exact test on a 2×2 table of pass counts.
 *
 * Conditioning on the margins (total passes, runs per side), head's pass count follows a hypergeometric
 * distribution; the p-value is the probability of a head count at least as extreme as the one observed:
 * `P(X >= headPasses)` for `'greater'` (head passes more often: a fix), `P(X <= headPasses)` for `'less'`
 * (a regression). Terms start from log-factorials, follow by the ratio of neighbours and are summed
 * relative to the largest, so nothing overflows or underflows at any size; the walk stops once terms are
 * below 1e-20 of the largest, so even 100,000 runs a side take well under a millisecond.
 *
 * @example fisherExactOneSided(5, 5, 0, 5, 'greater') // 1/252 ≈ 0.00397
 * @example fisherExactOneSided(3, 5, 1, 5, 'greater') // 66/252 ≈ 0.262
 */
export function fisherExactOneSided(
  headPasses: number,
  headRuns: number,
  basePasses: number,
  baseRuns: number,
  direction: Direction,
): number {
  checkCounts('fisherExactOneSided (head)', headPasses, headRuns);
  checkCounts('fisherExactOneSided (base)', basePasses, baseRuns);
  if (direction !== 'greater' && direction !== 'less') {
    throw new RangeError(`fisherExactOneSided: direction must be 'greater' or 'less', got ${String(direction)}`);
  }
  const total = headRuns + baseRuns;
  const totalPasses = headPasses + basePasses;
  const totalFails = total - totalPasses;
  // Support of X = head passes given the margins.
  const min = Math.max(0, headRuns - totalFails);
  const max = Math.min(headRuns, totalPasses);
  if ((direction === 'greater' ? headPasses === min : headPasses === max)) return 1; // the whole distribution

  // Walk outward from the observed count. The first term is log C(K, x) + log C(N-K, n-x) - log C(N, n);
  // each next one follows from the ratio of neighbours, two logs a term instead of nine:
  //   P(x+1)/P(x) = (K-x)(n-x) / ((x+1)(N-K-n+x+1)).
  // The distribution is unimodal, so once the terms fall below 1e-20 of the largest, the rest cannot matter.
  const fails = totalFails - headRuns; // N-K-n
  let x = headPasses;
  let term = logChoose(totalPasses, x) + logChoose(totalFails, headRuns - x) - logChoose(total, headRuns);
  let peak = term;
  let sum = 0; // sum of exp(term - peak) so far
  for (;;) {
    if (term > peak) {
      sum *= Math.exp(peak - term);
      peak = term;
    }
    sum += Math.exp(term - peak);
    if (term < peak - NEGLIGIBLE) break;
    if (direction === 'greater') {
      if (x === max) break;
      term += Math.log((totalPasses - x) * (headRuns - x)) - Math.log((x + 1) * (fails + x + 1));
      x++;
    } else {
      if (x === min) break;
      term += Math.log(x * (fails + x)) - Math.log((totalPasses - x + 1) * (headRuns - x + 1));
      x--;
    }
  }
  const p = Math.exp(peak + Math.log(sum));
  return Math.min(1, Math.max(0, p));
}

/**
 * pass^k for one case: the observed answer to "did the agent pass all k of its attempts?", so 1 when every
 * one of the `runs` attempts passed and 0 otherwise (0 with no runs: nothing was shown to pass).
 *
 * This is the reliability measure (τ-bench's pass^k), not pass@k ("at least one of k passed"): an agent that
 * passes 4 of 5 attempts scores 0, because a user who asks 5 times is let down once. Averaged over cases it
 * is the share of cases that were reliable at k = runs.
 */
export function passHatK(passes: number, runs: number): 0 | 1 {
  checkCounts('passHatK', passes, runs);
  return runs > 0 && passes === runs ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------

/** Exact `ln(n!)` for n below this bound, from a table of running sums. */
const TABLE_SIZE = 256;
const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(TABLE_SIZE);
  for (let n = 2; n < TABLE_SIZE; n++) table[n] = (table[n - 1] ?? 0) + Math.log(n);
  return table;
})();
/** A term this far below the largest (in natural log) is below 1e-20 of it. */
const NEGLIGIBLE = 46;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `ln(n!)`: a table for small n, Stirling's series beyond. At n >= 256 the series' first omitted term is
 * below 1e-30, so the result is as precise as a double allows, with no table to grow.
 */
export function logFactorial(n: number): number {
  if (n < TABLE_SIZE) return LOG_FACTORIAL_TABLE[n] ?? 0;
  const inverse = 1 / n;
  const inverse2 = inverse * inverse;
  const series = inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 * (1 / 1260 - inverse2 / 1680)));
  return n * Math.log(n) - n + 0.5 * Math.log(n) + HALF_LOG_TWO_PI + series;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function checkCounts(where: string, passes: number, runs: number): void {
  if (!Number.isInteger(runs) || runs < 0) {
    throw new RangeError(`${where}: runs must be a whole number >= 0, got ${runs}`);
  }
  if (!Number.isInteger(passes) || passes < 0 || passes > runs) {
    throw new RangeError(`${where}: passes must be a whole number from 0 to runs (${runs}), got ${passes}`);
  }
}
