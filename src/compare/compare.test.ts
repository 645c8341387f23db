import { describe, expect, it } from 'vitest';
import type { ComparedCase } from '../model/comparison.js';
import type { CaseResult, Verdict } from '../model/result.js';
import { type CompareOptions, compareRuns, VERDICT_ORDER } from './compare.js';
import { type CaseOptions, caseResult, run } from './test-support.js';

const KEY = 'support/refund';

/** Compare one case: head attempts vs base attempts (letters P F D E), or no base at all. */
function one(head: string, base: string | null, options: CompareOptions = {}, headOptions: CaseOptions = {}, baseOptions: CaseOptions = {}): ComparedCase {
  const headRun = run([caseResult(KEY, head, headOptions)]);
  const baseRun = base === null ? undefined : run([caseResult(KEY, base, baseOptions)]);
  const comparison = compareRuns(headRun, baseRun, options);
  expect(comparison.cases).toHaveLength(1);
  const [compared] = comparison.cases;
  if (!compared) throw new Error('no case compared');
  return compared;
}

/** Only the verdict and reason. */
function judged(head: string, base: string | null, options?: CompareOptions, headOptions?: CaseOptions, baseOptions?: CaseOptions) {
  const { verdict, reason } = one(head, base, options, headOptions, baseOptions);
  return { verdict, reason };
}

describe('compareRuns against a baseline, one run a side', () => {
  it.each<[string, string, Verdict, string]>([
    ['P', 'F', 'fixed', 'passes on head and failed on base'],
    ['F', 'P', 'regressed', 'fails on head and passed on base (first failed assertion: "answer mentions refund")'],
    ['P', 'P', 'passing', 'passes on head and passed on base'],
    ['F', 'F', 'still-failing', 'fails on head and failed on base'],
    ['P', 'D', 'fixed', 'passes on head and diverged on base'],
    ['P', 'E', 'fixed', 'passes on head and errored on base'],
    ['F', 'D', 'still-failing', 'fails on head and diverged on base'],
    ['F', 'E', 'still-failing', 'fails on head and errored on base'],
  ])('head %s, base %s → %s', (head, base, verdict, reason) => {
    expect(judged(head, base)).toEqual({ verdict, reason });
  });

  it('keeps the base side and leaves out a p-value when there are no repeats', () => {
    const compared = one('P', 'F');
    expect(compared.base).toEqual({ status: 'failed', passes: 0, runs: 1 });
    expect(compared.head?.key).toBe(KEY);
    expect(compared).not.toHaveProperty('pValue');
  });
});

describe('a head that errored', () => {
  it('is errored, never regressed, and names the error', () => {
    expect(judged('E', 'P', {}, { errorCode: 'AGENT_TIMEOUT' })).toEqual({
      verdict: 'errored',
      reason: 'errors (AGENT_TIMEOUT: agent_timeout in step 2) on head; passed on base',
    });
  });

  it('is errored, never fixed, even where base failed', () => {
    expect(judged('E', 'F').verdict).toBe('errored');
  });

  it('is still failing when the agent crashes again where base crashed too', () => {
    expect(judged('EE', 'EE', {}, { errorCode: 'AGENT_THREW' }, { errorCode: 'AGENT_THREW' })).toEqual({
      verdict: 'still-failing',
      reason: 'errors (AGENT_THREW: agent_threw in step 2) on head, and errored on base too',
    });
  });

  it('is errored when the case did not load, whatever base did', () => {
    const loadError = { code: 'CASE_INVALID' as const, message: 'suites/support/refund.case.json: /outcome/status must be one of failed, errored, ok' };
    const compared = one('', 'E', {}, { loadError });
    expect(compared.verdict).toBe('errored');
    expect(compared.reason).toBe(`errors (CASE_INVALID: ${loadError.message}) on head; errored on base`);
  });

  it('is errored when the agent module failed to import, even where base errored', () => {
    expect(judged('E', 'E', {}, { errorCode: 'AGENT_LOAD_FAILED' }).verdict).toBe('errored');
  });

  it('clips a long error message to keep the reason one readable sentence', () => {
    const loadError = { code: 'CASE_UNREADABLE' as const, message: 'x'.repeat(500) };
    const { reason } = judged('', 'P', {}, { loadError });
    expect(reason.length).toBeLessThan(200);
    expect(reason).toContain('…');
  });
});

describe('a head that diverged', () => {
  it('is errored where base passed, and says to re-capture', () => {
    expect(judged('D', 'P')).toEqual({
      verdict: 'errored',
      reason:
        'diverges at step 3 (no recorded call to search matches {"q":"refund"}) on head where it passed on base: ' +
        'the recording cannot answer the new call; re-capture the case if the change is intended',
    });
  });

  it('is errored where base was flaky', () => {
    expect(judged('DDDDD', 'PPPFF').verdict).toBe('errored');
  });

  it('is still failing where base failed or diverged', () => {
    expect(judged('D', 'F').verdict).toBe('still-failing');
    expect(judged('D', 'D').verdict).toBe('still-failing');
    expect(judged('D', 'E').verdict).toBe('still-failing');
  });
});

describe('repeats and significance', () => {
  it('0/5 → 5/5 is fixed with p = 1/252', () => {
    const compared = one('PPPPP', 'FFFFF');
    expect(compared.verdict).toBe('fixed');
    expect(compared.pValue).toBeCloseTo(1 / 252, 12);
    expect(compared.reason).toBe('passes 5/5 on head and passed 0/5 on base (p = 0.004)');
  });

  it('5/5 → 0/5 is regressed with p = 1/252', () => {
    const compared = one('FFFFF', 'PPPPP');
    expect(compared.verdict).toBe('regressed');
    expect(compared.pValue).toBeCloseTo(1 / 252, 12);
    expect(compared.reason).toBe('passes 0/5 on head and passed 5/5 on base (p = 0.004) (first failed assertion: "answer mentions refund")');
  });

  it('1/5 → 3/5 is flaky and says to run more repeats', () => {
    const compared = one('PPPFF', 'PFFFF');
    expect(compared.verdict).toBe('flaky');
    expect(compared.pValue).toBeCloseTo(66 / 252, 12);
    expect(compared.reason).toBe('3/5 on head vs 1/5 on base: p = 0.26, not significant at 0.05; run more repeats');
  });

  it('0/2 → 2/2 is flaky: two repeats can never be significant at 0.05', () => {
    expect(judged('PP', 'FF')).toEqual({
      verdict: 'flaky',
      reason: '2/2 on head vs 0/2 on base: p = 0.17, not significant at 0.05; run more repeats',
    });
  });

  it('0/3 → 3/3 is fixed: p = 0.05 is exactly at the level, which counts', () => {
    const compared = one('PPP', 'FFF');
    expect(compared.verdict).toBe('fixed');
    expect(compared.pValue).toBeCloseTo(0.05, 12);
  });

  it('follows the significance option', () => {
    // 0/4 → 4/4: p = 1/70 ≈ 0.014
    expect(judged('PPPP', 'FFFF').verdict).toBe('fixed');
    expect(judged('PPPP', 'FFFF', { significance: 0.01 })).toEqual({
      verdict: 'flaky',
      reason: '4/4 on head vs 0/4 on base: p = 0.014, not significant at 0.01; run more repeats',
    });
    expect(judged('PPPPP', 'FFFFF', { significance: 0.01 }).verdict).toBe('fixed');
  });

  it('tests only when both sides have repeats', () => {
    const compared = one('PPPPP', 'F');
    expect(compared.verdict).toBe('fixed');
    expect(compared.pValue).toBeUndefined();
    expect(compared.reason).toBe('passes 5/5 on head and failed on base');
  });

  it('one failure in five after five passes is flaky, with the p-value that says it proves nothing', () => {
    expect(judged('PPPPF', 'PPPPP')).toEqual({
      verdict: 'flaky',
      reason: '4/5 on head vs 5/5 on base: p = 0.5, not significant at 0.05; run more repeats',
    });
  });

  it('a real change that still sits between the thresholds is flaky, and says it is real', () => {
    const compared = one('P'.repeat(15) + 'F'.repeat(5), 'F'.repeat(20));
    expect(compared.verdict).toBe('flaky');
    expect(compared.pValue).toBeLessThan(0.001);
    expect(compared.reason).toBe('15/20 on head vs 0/20 on base (p < 0.001): really better, but head is between the fail (0) and pass (1) thresholds');
  });

  it('equal pass rates on both sides carry no test', () => {
    const compared = one('PPFFF', 'PFPFF');
    expect(compared.verdict).toBe('flaky');
    expect(compared.pValue).toBeUndefined();
    expect(compared.reason).toBe('passes 2/5 on head and passed 2/5 on base: both sides are between the fail (0) and pass (1) thresholds');
  });

  it('a flaky head against a single base run says which side is flaky', () => {
    expect(judged('PPPFF', 'F')).toEqual({
      verdict: 'flaky',
      reason: 'passes 3/5 on head and failed on base: head is between the fail (0) and pass (1) thresholds',
    });
    expect(judged('P', 'PPPFF').reason).toBe('passes on head and passed 3/5 on base: base is between the fail (0) and pass (1) thresholds');
  });

  it('scales to 10,000 repeats a side', () => {
    const compared = one('P'.repeat(5200) + 'F'.repeat(4800), 'P'.repeat(5000) + 'F'.repeat(5000), { thresholds: { pass: 0.51, fail: 0.5 } });
    expect(compared.verdict).toBe('fixed');
    expect(compared.pValue).toBeCloseTo(0.0024394, 6);
  });
});

describe('thresholds', () => {
  const relaxed = { thresholds: { pass: 0.8, fail: 0.2 } };

  it('4/5 passes and 1/5 fails under { pass: 0.8, fail: 0.2 }', () => {
    expect(judged('PPPPF', 'PPPPP', relaxed).verdict).toBe('passing');
    expect(judged('PFFFF', 'FFFFF', relaxed).verdict).toBe('still-failing');
    // 1/5 → 5/5: p = 6/252 ≈ 0.024
    expect(judged('PPPPP', 'PFFFF', relaxed)).toEqual({ verdict: 'fixed', reason: 'passes 5/5 on head and passed 1/5 on base (p = 0.024)' });
  });

  it('3/5 stays flaky under the relaxed thresholds and names them', () => {
    expect(judged('PPPFF', 'P', relaxed).reason).toBe('passes 3/5 on head and passed on base: head is between the fail (0.2) and pass (0.8) thresholds');
  });

  it('uses the settings the head results file recorded, and options given here over them', () => {
    const headRun = run([caseResult(KEY, 'PPPPF')]);
    const baseRun = run([caseResult(KEY, 'PPPPP')]);
    expect(compareRuns(headRun, baseRun).cases[0]?.verdict).toBe('flaky'); // defaults: 4/5 is between 0 and 1
    headRun.compare = { thresholds: { pass: 0.8, fail: 0.2 } };
    expect(compareRuns(headRun, baseRun).cases[0]?.verdict).toBe('passing');
    // The base file's settings do not count: the run being judged is the head.
    expect(compareRuns(run([caseResult(KEY, 'PPPPF')]), { ...baseRun, compare: { thresholds: { pass: 0.8 } } }).cases[0]?.verdict).toBe('flaky');
    // Per key: an explicit pass threshold wins, the recorded fail threshold stays.
    expect(compareRuns(headRun, baseRun, { thresholds: { pass: 1 } }).cases[0]?.verdict).toBe('flaky');
    expect(compareRuns(run([caseResult(KEY, 'PPPFF')], { compare: headRun.compare }), run([caseResult(KEY, 'P')]), { thresholds: { pass: 1 } }).cases[0]?.reason).toBe(
      'passes 3/5 on head and passed on base: head is between the fail (0.2) and pass (1) thresholds',
    );
    headRun.compare = { significance: 0.5 };
    expect(() => compareRuns(headRun, baseRun, { significance: 2 })).toThrow(/significance must be between 0 and 1/);
    headRun.compare = { thresholds: { pass: 0.1, fail: 0.2 } };
    expect(() => compareRuns(headRun, baseRun)).toThrow(/thresholds.fail \(0.2\) must be below thresholds.pass \(0.1\)/);
  });

  it('rejects thresholds and significance out of range, naming the option', () => {
    expect(() => judged('P', 'P', { thresholds: { pass: 0.5, fail: 0.5 } })).toThrow(/thresholds.fail \(0.5\) must be below thresholds.pass \(0.5\)/);
    expect(() => judged('P', 'P', { thresholds: { fail: 1 } })).toThrow(/thresholds.fail \(1\) must be below thresholds.pass \(1\)/);
    expect(judged('P', 'P', { thresholds: { pass: 0.2 } }).verdict).toBe('passing');
    expect(() => judged('P', 'P', { thresholds: { pass: 1.5 } })).toThrow(/from 0 to 1/);
    expect(() => judged('P', 'P', { thresholds: { fail: Number.NaN } })).toThrow(/from 0 to 1/);
    expect(() => judged('P', 'P', { significance: 0 })).toThrow(/significance must be between 0 and 1/);
    expect(() => judged('P', 'P', { significance: 1 })).toThrow(/significance/);
  });
});

describe('new and removed cases', () => {
  it('a case missing from the baseline is new, judged against what was captured', () => {
    const head = run([caseResult('s/old', 'P', { captured: 'failed' }), caseResult('s/fresh', 'P', { captured: 'failed' })]);
    const base = run([caseResult('s/old', 'F')]);
    const fresh = compareRuns(head, base).cases.find((c) => c.key === 's/fresh');
    expect(fresh).toMatchObject({ verdict: 'new', reason: 'new: captured failing, now passes' });
    expect(fresh?.base).toBeUndefined();
  });

  it.each<[string, CaseOptions, string]>([
    ['F', { captured: 'failed' }, 'new: captured failing, still fails'],
    ['FFF', { captured: 'ok' }, 'new: captured passing, now fails (0/3) (first failed assertion: "answer mentions refund")'],
    ['PPP', { captured: 'ok' }, 'new: captured passing, still passes 3/3'],
    ['PPF', { captured: 'errored' }, 'new: captured erroring, now passes 2/3, between the fail (0) and pass (1) thresholds'],
    ['E', { captured: 'errored', errorCode: 'AGENT_HUNG' }, 'new: captured erroring, still errors (AGENT_HUNG: agent_hung in step 2)'],
    ['P', {}, 'new: passes; no captured outcome to judge it against'],
  ])('new head %s %j', (letters, options, reason) => {
    const head = run([caseResult('s/fresh', letters, options)]);
    const [compared] = compareRuns(head, run([])).cases;
    expect(compared).toMatchObject({ verdict: 'new', reason });
  });

  it('a new case that errors is errored, not new', () => {
    const head = run([caseResult('s/fresh', 'E', { captured: 'failed', errorCode: 'AGENT_TIMEOUT' })]);
    const [compared] = compareRuns(head, run([])).cases;
    expect(compared).toMatchObject({ verdict: 'errored', reason: 'new: captured failing, now errors (AGENT_TIMEOUT: agent_timeout in step 2)' });
  });

  it('a case only in the baseline is removed', () => {
    const comparison = compareRuns(run([]), run([caseResult('s/gone', 'PPP')]));
    expect(comparison.cases).toEqual([
      {
        key: 's/gone',
        verdict: 'removed',
        reason: 'only in the base run (passed 3/3 there): deleted, renamed or not selected on head',
        base: { status: 'passed', passes: 3, runs: 3 },
      },
    ]);
  });

  it('says why a case is missing when head was interrupted or is one shard', () => {
    const base = run([caseResult('s/gone', 'F')]);
    expect(compareRuns(run([], { partial: true }), base).cases[0]?.reason).toBe(
      'only in the base run (failed there): the head run was interrupted before it got there',
    );
    expect(compareRuns(run([], { shard: '2/3' }), base).cases[0]?.reason).toBe(
      'only in the base run (failed there): not in head shard 2/3; merge the shards before comparing',
    );
  });

  it('compares a trimmed baseline (no attempts kept) by its pass count and repeat', () => {
    const trimmed: CaseResult = { ...caseResult(KEY, 'FFFFF'), attempts: [] };
    const comparison = compareRuns(run([caseResult(KEY, 'PPPPP')]), run([trimmed], { repeat: 5 }));
    expect(comparison.cases[0]).toMatchObject({ verdict: 'fixed', base: { passes: 0, runs: 5 } });
  });

  it('uses the first of two base cases with the same key', () => {
    const base = run([caseResult(KEY, 'F'), caseResult(KEY, 'P')]);
    expect(compareRuns(run([caseResult(KEY, 'P')]), base).cases.map((c) => c.verdict)).toEqual(['fixed']);
  });
});

describe('compareRuns without a baseline (against the captured outcome)', () => {
  it.each<[string, CaseOptions, Verdict, string]>([
    ['P', { captured: 'failed' }, 'fixed', 'captured failing, now passes'],
    ['PPP', { captured: 'errored' }, 'fixed', 'captured erroring, now passes 3/3'],
    ['F', { captured: 'failed' }, 'still-failing', 'captured failing, still fails'],
    ['FFF', { captured: 'errored' }, 'still-failing', 'captured erroring, still fails (0/3)'],
    ['D', { captured: 'failed' }, 'still-failing', 'captured failing, still not passing: diverges at step 3 (no recorded call to search matches {"q":"refund"})'],
    ['P', { captured: 'ok' }, 'passing', 'captured passing, still passes'],
    ['F', { captured: 'ok' }, 'regressed', 'captured passing, now fails (first failed assertion: "answer mentions refund")'],
    [
      'D',
      { captured: 'ok' },
      'errored',
      'captured passing, now diverges at step 3 (no recorded call to search matches {"q":"refund"}): the recording cannot answer the new call; re-capture the case if the change is intended',
    ],
    ['PPPPF', { captured: 'failed' }, 'flaky', 'captured failing, now passes 4/5, between the fail (0) and pass (1) thresholds'],
    ['PFFFF', { captured: 'ok' }, 'flaky', 'captured passing, now passes 1/5, between the fail (0) and pass (1) thresholds'],
    ['E', { captured: 'errored', errorCode: 'AGENT_THREW' }, 'still-failing', 'captured erroring, still errors (AGENT_THREW: agent_threw in step 2)'],
    ['E', { captured: 'errored', errorCode: 'ASSERTION_FAILED_TO_RUN' }, 'errored', 'captured erroring, now errors (ASSERTION_FAILED_TO_RUN: assertion_failed_to_run in step 2)'],
    ['E', { captured: 'failed', errorCode: 'AGENT_THREW' }, 'errored', 'captured failing, now errors (AGENT_THREW: agent_threw in step 2)'],
    ['E', { captured: 'ok', errorCode: 'AGENT_CRASHED' }, 'errored', 'captured passing, now errors (AGENT_CRASHED: agent_crashed in step 2)'],
    ['P', {}, 'passing', 'passes; no captured outcome to judge it against'],
    ['F', {}, 'still-failing', 'fails; no captured outcome to judge it against'],
    ['PF', {}, 'flaky', 'passes 1/2, between the fail (0) and pass (1) thresholds; no captured outcome to judge it against'],
  ])('head %s %j → %s', (letters, options, verdict, reason) => {
    expect(judged(letters, null, {}, options)).toEqual({ verdict, reason });
  });

  it('a captured crash whose case no longer loads is errored', () => {
    const loadError = { code: 'CASE_VERSION_UNSUPPORTED' as const, message: 'version 9; upgrade rehearse' };
    expect(judged('', null, {}, { captured: 'errored', loadError }).verdict).toBe('errored');
  });

  it('marks the comparison as against the captured outcome, with no base sides', () => {
    const comparison = compareRuns(run([caseResult('s/a', 'P', { captured: 'failed' })]), undefined);
    expect(comparison.against).toBe('captured');
    expect(comparison.cases[0]?.base).toBeUndefined();
    expect(compareRuns(run([]), run([])).against).toBe('baseline');
  });

  it('applies thresholds but no significance test', () => {
    expect(judged('PPPPF', null, { thresholds: { pass: 0.8 } }, { captured: 'failed' })).toEqual({
      verdict: 'fixed',
      reason: 'captured failing, now passes 4/5',
    });
    expect(judged('PP', null, {}, { captured: 'failed' }).verdict).toBe('fixed');
  });
});

describe('counts and order', () => {
  const head = run([
    caseResult('b/passing', 'P'),
    caseResult('a/passing', 'P'),
    caseResult('z/regressed', 'F'),
    caseResult('a/regressed', 'F'),
    caseResult('m/errored', 'E'),
    caseResult('m/fixed', 'P'),
    caseResult('m/flaky', 'PF'),
    caseResult('m/new', 'P', { captured: 'failed' }),
    caseResult('m/still', 'F'),
  ]);
  const base = run([
    caseResult('a/passing', 'P'),
    caseResult('b/passing', 'P'),
    caseResult('a/regressed', 'P'),
    caseResult('z/regressed', 'P'),
    caseResult('m/errored', 'P'),
    caseResult('m/fixed', 'F'),
    caseResult('m/flaky', 'P'),
    caseResult('m/still', 'F'),
    caseResult('m/removed', 'P'),
  ]);

  it('lists cases in VERDICT_ORDER, by key within a verdict', () => {
    const comparison = compareRuns(head, base);
    expect(comparison.cases.map((c) => `${c.verdict} ${c.key}`)).toEqual([
      'regressed a/regressed',
      'regressed z/regressed',
      'errored m/errored',
      'fixed m/fixed',
      'flaky m/flaky',
      'new m/new',
      'still-failing m/still',
      'passing a/passing',
      'passing b/passing',
      'removed m/removed',
    ]);
    expect(VERDICT_ORDER).toEqual(['regressed', 'errored', 'fixed', 'flaky', 'new', 'still-failing', 'passing', 'removed']);
  });

  it('counts every verdict, zeros included', () => {
    expect(compareRuns(head, base).counts).toEqual({
      regressed: 2,
      errored: 1,
      fixed: 1,
      flaky: 1,
      new: 1,
      'still-failing': 1,
      passing: 2,
      removed: 1,
    });
    expect(compareRuns(run([]), undefined).counts).toEqual({
      regressed: 0,
      errored: 0,
      fixed: 0,
      flaky: 0,
      new: 0,
      'still-failing': 0,
      passing: 0,
      removed: 0,
    });
  });

  it('keeps the head run and does not change its inputs', () => {
    const before = JSON.stringify([head, base]);
    const comparison = compareRuns(head, base);
    expect(comparison.head).toBe(head);
    expect(JSON.stringify([head, base])).toBe(before);
  });

  it('gives every case a one-line reason of one sentence', () => {
    for (const compared of compareRuns(head, base).cases) {
      expect(compared.reason.length).toBeGreaterThan(10);
      expect(compared.reason).not.toMatch(/\n|\.\s|\.$/);
    }
  });

  it('stays linear: 20,000 cases with 5 repeats compare in well under a second', () => {
    // Measured at 1-8 µs a case (about 40 ms here); the bound only catches a per-case scan of the other run.
    const letters = ['PPPPP', 'FFFFF', 'PPPFF', 'PFFFF', 'EEEEE', 'DDDDD', 'PPPPF'];
    const headCases = Array.from({ length: 20000 }, (_, i) => caseResult(`s/c${i}`, letters[i % 7] ?? 'P'));
    const baseCases = Array.from({ length: 20000 }, (_, i) => caseResult(`s/c${i}`, letters[(i * 3) % 7] ?? 'P'));
    const [headRun, baseRun] = [run(headCases), run(baseCases)];
    compareRuns(headRun, baseRun);
    const start = performance.now();
    const comparison = compareRuns(headRun, baseRun);
    const elapsed = performance.now() - start;
    expect(comparison.cases).toHaveLength(20000);
    expect(Object.values(comparison.counts).reduce((a, b) => a + b, 0)).toBe(20000);
    expect(elapsed).toBeLessThan(600);
  });
});
