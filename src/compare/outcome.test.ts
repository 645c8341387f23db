import { describe, expect, it } from 'vitest';
import type { FailOn } from '../model/config.js';
import type { CaseResult } from '../model/result.js';
import { compareRuns, emptyCounts } from './compare.js';
import { exitCodeFor, headline } from './outcome.js';
import { caseResult, run } from './test-support.js';

/** A comparison of one head case against one base case (null: the case is new). */
function comparisonOf(head: CaseResult, base: CaseResult | null) {
  return compareRuns(run([head]), run(base ? [base] : []));
}

const K = 's/case';
const scenarios = {
  regressed: comparisonOf(caseResult(K, 'F'), caseResult(K, 'P')),
  errored: comparisonOf(caseResult(K, 'E'), caseResult(K, 'P')),
  'still-failing': comparisonOf(caseResult(K, 'F'), caseResult(K, 'F')),
  flaky: comparisonOf(caseResult(K, 'PF'), caseResult(K, 'P')),
  fixed: comparisonOf(caseResult(K, 'P'), caseResult(K, 'F')),
  passing: comparisonOf(caseResult(K, 'P'), caseResult(K, 'P')),
  'new, passing': comparisonOf(caseResult(K, 'P', { captured: 'failed' }), null),
  'new, failing': comparisonOf(caseResult(K, 'F', { captured: 'failed' }), null),
  removed: compareRuns(run([]), run([caseResult(K, 'F')])),
};

describe('exitCodeFor', () => {
  it.each<[keyof typeof scenarios, 0 | 1, 0 | 1]>([
    // scenario, failOn 'regressed', failOn 'failing'
    ['regressed', 1, 1],
    ['errored', 1, 1],
    ['still-failing', 0, 1],
    ['flaky', 0, 1],
    ['fixed', 0, 0],
    ['passing', 0, 0],
    ['new, passing', 0, 0],
    ['new, failing', 0, 1],
    ['removed', 0, 0],
  ])('%s → %i with failOn regressed, %i with failing, 0 with never', (name, regressed, failing) => {
    const comparison = scenarios[name];
    expect(exitCodeFor(comparison, 'regressed')).toBe(regressed);
    expect(exitCodeFor(comparison, 'failing')).toBe(failing);
    expect(exitCodeFor(comparison, 'never')).toBe(0);
  });

  it('defaults to failOn regressed', () => {
    expect(exitCodeFor(scenarios.regressed)).toBe(1);
    expect(exitCodeFor(scenarios['still-failing'])).toBe(0);
  });

  it('rejects an unknown failOn, listing the choices', () => {
    expect(() => exitCodeFor(scenarios.passing, 'always' as FailOn)).toThrow(/failOn must be 'regressed', 'failing' or 'never', got "always"/);
  });
});

describe('headline', () => {
  it('lists non-zero verdicts, regressions first, with "broke again"', () => {
    expect(headline({ ...emptyCounts(), fixed: 2, regressed: 1, 'still-failing': 5, errored: 1 })).toBe(
      '1 broke again, 1 errored, 2 fixed, 5 still failing',
    );
  });

  it('names every verdict in order', () => {
    const counts = { regressed: 1, errored: 2, fixed: 3, flaky: 4, new: 5, 'still-failing': 6, passing: 7, removed: 8 };
    expect(headline(counts)).toBe('1 broke again, 2 errored, 3 fixed, 4 flaky, 5 new, 6 still failing, 7 passing, 8 removed');
  });

  it('says "all N passing" when nothing else happened', () => {
    expect(headline({ ...emptyCounts(), passing: 12 })).toBe('all 12 passing');
    expect(headline({ ...emptyCounts(), passing: 12, removed: 1 })).toBe('12 passing, 1 removed');
  });

  it('says so when there were no cases', () => {
    expect(headline(emptyCounts())).toBe('no cases');
  });

  it('sums up a real comparison', () => {
    const head = run([caseResult('s/a', 'P'), caseResult('s/b', 'F'), caseResult('s/c', 'P')]);
    const base = run([caseResult('s/a', 'F'), caseResult('s/b', 'P'), caseResult('s/c', 'P')]);
    expect(headline(compareRuns(head, base).counts)).toBe('1 broke again, 1 fixed, 1 passing');
  });
});
