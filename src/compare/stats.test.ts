import { describe, expect, it } from 'vitest';
import { fisherExactOneSided, logFactorial, passHatK, wilsonInterval } from './stats.js';

/** Exact binomial coefficient, for an independent check of the floating-point test. */
function choose(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 1; i <= k; i++) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

/** Exact one-sided Fisher p-value as a ratio of big integers, turned into a double at the end. */
function exactFisher(a: number, n: number, c: number, m: number, direction: 'greater' | 'less'): number {
  const passes = a + c;
  const fails = n + m - passes;
  let numerator = 0n;
  for (let x = Math.max(0, n - fails); x <= Math.min(n, passes); x++) {
    if (direction === 'greater' ? x >= a : x <= a) numerator += choose(passes, x) * choose(fails, n - x);
  }
  return ratio(numerator, choose(n + m, n));
}

/** A ratio of big integers as the nearest double, even when it is as small as 1e-240. */
function ratio(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const shift = denominator.toString(2).length - numerator.toString(2).length + 64;
  return Number((numerator << BigInt(shift)) / denominator) * 2 ** -shift;
}

describe('wilsonInterval', () => {
  it.each([
    // passes, runs, low, high (95 %, published Wilson values)
    [0, 10, 0, 0.2775],
    [5, 10, 0.2366, 0.7634],
    [1, 10, 0.0179, 0.4042],
    [10, 10, 0.7225, 1],
    [0, 1, 0, 0.7935],
    [81, 263, 0.2553, 0.3662],
  ])('%i/%i → [%f, %f]', (passes, runs, low, high) => {
    const interval = wilsonInterval(passes, runs);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
    expect(interval.rate).toBe(passes / runs);
  });

  it('takes another z: 99 % is wider than 95 %', () => {
    const wide = wilsonInterval(5, 10, 2.5758);
    const narrow = wilsonInterval(5, 10);
    expect(wide.low).toBeCloseTo(0.1842, 4);
    expect(wide.high).toBeCloseTo(0.8158, 4);
    expect(wide.low).toBeLessThan(narrow.low);
  });

  it('with z = 0 collapses to the observed rate', () => {
    expect(wilsonInterval(3, 10, 0)).toEqual({ low: 0.3, high: 0.3, rate: 0.3 });
  });

  it('is [0, 1] when there were no runs', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1, rate: 0 });
  });

  it('stays inside 0..1 and narrows as runs grow', () => {
    const small = wilsonInterval(1, 2);
    const large = wilsonInterval(5000, 10000);
    expect(small.low).toBeGreaterThanOrEqual(0);
    expect(small.high).toBeLessThanOrEqual(1);
    expect(large.high - large.low).toBeLessThan(0.02);
    expect(large.low).toBeCloseTo(0.4902, 4);
  });

  it('rejects impossible counts, saying which', () => {
    expect(() => wilsonInterval(6, 5)).toThrow(/passes must be a whole number from 0 to runs \(5\), got 6/);
    expect(() => wilsonInterval(1, -1)).toThrow(/runs must be a whole number >= 0/);
    expect(() => wilsonInterval(0.5, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, -1)).toThrow(/z must be/);
  });
});

describe('fisherExactOneSided', () => {
  it('gives the known p-values for small tables', () => {
    expect(fisherExactOneSided(5, 5, 0, 5, 'greater')).toBeCloseTo(1 / 252, 12); // 0.00397
    expect(fisherExactOneSided(3, 5, 1, 5, 'greater')).toBeCloseTo(66 / 252, 12); // 0.262
    expect(fisherExactOneSided(3, 3, 0, 3, 'greater')).toBeCloseTo(0.05, 12);
    expect(fisherExactOneSided(2, 2, 0, 2, 'greater')).toBeCloseTo(1 / 6, 12);
    expect(fisherExactOneSided(0, 5, 5, 5, 'less')).toBeCloseTo(1 / 252, 12);
    // R: fisher.test(matrix(c(1,6,4,5), 2), alternative = "less")$p.value = 0.2307692
    expect(fisherExactOneSided(1, 7, 4, 9, 'less')).toBeCloseTo(0.2307692307692, 10);
    expect(fisherExactOneSided(1, 7, 4, 9, 'greater')).toBeCloseTo(0.9711538461538, 10);
  });

  it('is 1 when the tail is the whole distribution', () => {
    expect(fisherExactOneSided(0, 5, 5, 5, 'greater')).toBe(1);
    expect(fisherExactOneSided(5, 5, 0, 5, 'less')).toBe(1);
    expect(fisherExactOneSided(0, 0, 3, 5, 'greater')).toBe(1);
    expect(fisherExactOneSided(2, 4, 2, 4, 'greater')).toBeLessThan(1);
  });

  it('matches exact big-integer arithmetic on every table up to 12 runs a side', () => {
    let worst = 0;
    for (let n = 1; n <= 12; n += 1) {
      for (let m = 1; m <= 12; m += 3) {
        for (let a = 0; a <= n; a++) {
          for (let c = 0; c <= m; c++) {
            for (const direction of ['greater', 'less'] as const) {
              const exact = exactFisher(a, n, c, m, direction);
              const got = fisherExactOneSided(a, n, c, m, direction);
              worst = Math.max(worst, Math.abs(got - exact) / exact);
            }
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('matches exact arithmetic at 400 runs a side, far in the tail', () => {
    for (const [a, c] of [
      [260, 200],
      [210, 200],
      [400, 0],
      [201, 200],
    ] as const) {
      const exact = exactFisher(a, 400, c, 400, 'greater');
      expect(Math.abs(fisherExactOneSided(a, 400, c, 400, 'greater') - exact) / exact).toBeLessThan(1e-9);
    }
  });

  it('agrees with SciPy at 10,000 and 100,000 runs a side', () => {
    // scipy.stats.fisher_exact([[5200, 4800], [5000, 5000]], alternative='greater')
    expect(fisherExactOneSided(5200, 10000, 5000, 10000, 'greater')).toBeCloseTo(0.0024393978844534, 11);
    expect(fisherExactOneSided(5200, 10000, 5000, 10000, 'less')).toBeCloseTo(0.9977670024539264, 9);
    // scipy.stats.fisher_exact([[50000, 50000], [49000, 51000]], alternative='greater')
    const p = fisherExactOneSided(50000, 100000, 49000, 100000, 'greater');
    expect(Math.abs(p - 3.949144778654135e-6) / 3.949144778654135e-6).toBeLessThan(1e-8);
    // [[9990, 10], [9900, 100]]: 3.2728261465553e-20, representable only because nothing overflows
    const tiny = fisherExactOneSided(9990, 10000, 9900, 10000, 'greater');
    expect(Math.abs(tiny - 3.272826146555255e-20) / 3.272826146555255e-20).toBeLessThan(1e-8);
  });

  it('stays a finite probability at the extremes', () => {
    for (const [a, n, c, m] of [
      [10000, 10000, 0, 10000],
      [0, 10000, 10000, 10000],
      [1, 20000, 0, 20000],
      [9999, 10000, 10000, 10000],
    ] as const) {
      for (const direction of ['greater', 'less'] as const) {
        const p = fisherExactOneSided(a, n, c, m, direction);
        expect(Number.isFinite(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
    }
  });

  it('the two tails overlap in exactly the observed table', () => {
    const [a, n, c, m] = [37, 120, 52, 150];
    const both = fisherExactOneSided(a, n, c, m, 'greater') + fisherExactOneSided(a, n, c, m, 'less');
    const atA = ratio(choose(a + c, a) * choose(n + m - a - c, n - a), choose(n + m, n));
    expect(both - atA).toBeCloseTo(1, 12);
  });

  it('is symmetric: head greater than base is base less than head', () => {
    expect(fisherExactOneSided(7, 9, 2, 8, 'greater')).toBeCloseTo(fisherExactOneSided(2, 8, 7, 9, 'less'), 14);
  });

  it('falls as head passes more often', () => {
    let previous = 1;
    for (let a = 0; a <= 20; a++) {
      const p = fisherExactOneSided(a, 20, 10, 20, 'greater');
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
  });

  it('takes well under a millisecond at 100,000 runs a side', () => {
    fisherExactOneSided(50000, 100000, 49000, 100000, 'greater');
    const start = performance.now();
    for (let i = 0; i < 20; i++) fisherExactOneSided(50000, 100000, 49000, 100000, 'less');
    expect((performance.now() - start) / 20).toBeLessThan(5);
  });

  it('rejects impossible counts and directions', () => {
    expect(() => fisherExactOneSided(6, 5, 0, 5, 'greater')).toThrow(/\(head\): passes must be/);
    expect(() => fisherExactOneSided(1, 5, -1, 5, 'greater')).toThrow(/\(base\): passes must be/);
    expect(() => fisherExactOneSided(1, 5, 1, 5, 'two-sided' as 'less')).toThrow(/direction must be/);
  });
});

describe('logFactorial', () => {
  it('is exact on both sides of the switch to Stirling', () => {
    let sum = 0;
    for (let n = 2; n <= 2000; n++) {
      sum += Math.log(n);
      expect(Math.abs(logFactorial(n) - sum) / sum).toBeLessThan(1e-13);
    }
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
  });
});

describe('passHatK', () => {
  it('is 1 only when every attempt passed', () => {
    expect(passHatK(5, 5)).toBe(1);
    expect(passHatK(1, 1)).toBe(1);
    expect(passHatK(4, 5)).toBe(0);
    expect(passHatK(0, 5)).toBe(0);
  });

  it('is 0 with no runs: nothing was shown to pass', () => {
    expect(passHatK(0, 0)).toBe(0);
  });

  it('rejects impossible counts', () => {
    expect(() => passHatK(3, 2)).toThrow(/passHatK/);
  });
});
