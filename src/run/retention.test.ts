import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { AttemptResult, AttemptStatus, CaseResult, RunResults } from '../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/result.js';
import { compareRuns } from '../compare/compare.js';
import { summarizeAttempts } from '../compare/summarize.js';
import { ResultRetention, slimResult } from './retention.js';

/*
 * What a run keeps of each finished case. The property that matters: after N plain passes, nothing heavy
 * (timeline, output, recorded trajectory) is held for them, and the comparison made from what is kept is the
 * one made from the full results.
 */

const HEAVY = 'x'.repeat(2_000);

function attempt(status: AttemptStatus, extra: Partial<AttemptResult> = {}): AttemptResult {
  const pass = status === 'passed';
  const ran = pass || status === 'failed';
  return {
    status,
    durationMs: 4,
    score: pass ? 1 : 0,
    assertions: ran
      ? [
          { type: 'trajectory', name: 'looks up first', pass: true, score: 1, message: 'lookup first' },
          { type: 'contains', name: 'says shipped', pass, score: pass ? 1 : 0, message: 'expected "shipped"', evidence: { actual: 'lost' } },
        ]
      : [],
    output: { reply: HEAVY },
    timeline: [{ type: 'tool', name: 'lookup_order', args: { id: 1 }, result: { body: HEAVY } }],
    usage: { inputTokens: 10, outputTokens: 5 },
    ...(status === 'errored' && { error: { code: 'AGENT_THREW' as const, message: 'boom' } }),
    ...(status === 'diverged' && { divergence: { kind: 'unmatched-tool-call' as const, step: 1, message: 'no match', tool: 'refund', args: { id: 2 } } }),
    ...extra,
  };
}

function result(key: string, letters: string, captured: CaseResult['captured'] = 'ok', extra: Partial<AttemptResult> = {}): CaseResult {
  const statuses: Record<string, AttemptStatus> = { P: 'passed', F: 'failed', D: 'diverged', E: 'errored' };
  const attempts = [...letters].map((l) => attempt(statuses[l]!, extra));
  const [suite = '', id = ''] = key.split('/');
  return {
    key,
    suite,
    id,
    title: `case ${id}`,
    tags: ['t'],
    file: `suites/${key}.case.json`,
    captured,
    recordedTrajectory: [{ tool: 'lookup_order', args: { id: 1 } }],
    ...summarizeAttempts(attempts),
    attempts,
    durationMs: 5,
  };
}

function runOf(cases: CaseResult[], repeat = 1): RunResults {
  return { format: RESULTS_FORMAT, version: RESULTS_VERSION, runId: 'r', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1, repeat, cases, totals: { cases: cases.length, passed: 0, failed: 0, diverged: 0, errored: 0 } };
}

function isHeavy(r: CaseResult): boolean {
  return r.recordedTrajectory !== undefined || r.attempts.some((a) => a.timeline.length > 0 || a.output !== undefined || a.assertions.some((x) => x.pass));
}

describe('ResultRetention', () => {
  test('after 2,000 plain passes nothing heavy is kept for them; the failures keep everything', () => {
    const kept = new ResultRetention({ repeat: 1 });
    for (let i = 0; i < 2_000; i++) kept.add(i, result(`s/pass-${i}`, 'P'));
    kept.add(2_000, result('s/broke', 'F')); // captured ok, fails now: regressed
    kept.add(2_001, result('s/still', 'F', 'failed'));
    const all = kept.inFileOrder();
    expect(all).toHaveLength(2_002);
    expect(kept.slimmed).toBe(2_000);
    expect(all.slice(0, 2_000).filter(({ result: r }) => isHeavy(r))).toEqual([]);
    expect(all.slice(0, 2_000).every(({ index }) => kept.isSlim(index))).toBe(true);
    expect(isHeavy(kept.get(2_000)!)).toBe(true);
    expect(isHeavy(kept.get(2_001)!)).toBe(true);
    // What is kept of a plain pass is well under the text of the result: the per-case cost of a long run.
    expect(JSON.stringify(kept.get(0)).length).toBeLessThan(JSON.stringify(result('s/pass-0', 'P')).length / 10);
  });

  test('a slim result keeps what the comparison, totals and tables read', () => {
    const full = result('s/flaky', 'PFE', 'ok', { drift: [{ step: 0, message: 'prompt changed' }], costUsd: 0.5, cache: { hits: 1, misses: 0 } });
    const slim = slimResult(full);
    expect(slim).toEqual({
      key: 's/flaky',
      suite: 's',
      id: 'flaky',
      title: 'case flaky',
      tags: ['t'],
      file: 'suites/s/flaky.case.json',
      captured: 'ok',
      status: full.status,
      passes: 1,
      durationMs: 5,
      attempts: full.attempts.map((a) => ({
        status: a.status,
        durationMs: 4,
        score: a.score,
        assertions: a.assertions.filter((x) => !x.pass),
        timeline: [],
        usage: { inputTokens: 10, outputTokens: 5 },
        costUsd: 0.5,
        cache: { hits: 1, misses: 0 },
        drift: [{ step: 0, message: 'prompt changed' }],
        ...(a.error && { error: a.error }),
        ...(a.divergence && { divergence: a.divergence }),
      })),
    });
  });

  test('a run of slim results is still a valid results file (a baseline saved from it compares the same)', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const schema = JSON.parse(readFileSync(new URL('../../schema/results.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const slim = runOf(['P', 'F', 'PFE', 'D', 'E'].map((letters, i) => slimResult(result(`s/c${i}`, letters))));
    expect(validate(slim) ? null : validate.errors).toBeNull();
  });

  test('passes that need explaining stay whole: drift, and new cases judged against a baseline when they do not pass', () => {
    const baseline = runOf([result('s/a', 'P'), result('s/drift', 'P')]);
    const kept = new ResultRetention({ repeat: 1, baseline });
    kept.add(0, result('s/a', 'P')); // passing on both sides
    kept.add(1, result('s/drift', 'P', 'ok', { drift: [{ step: 0, message: 'changed' }] }));
    kept.add(2, result('s/new-pass', 'P')); // new, passes: nothing to show
    kept.add(3, result('s/new-fail', 'F')); // new, fails: shown
    expect([0, 1, 2, 3].map((i) => kept.isSlim(i))).toEqual([true, false, true, false]);
  });

  test('each verdict keeps its first N by key in full, whatever order the cases finish in', () => {
    const kept = new ResultRetention({ repeat: 1, detailedPerVerdict: 5 });
    const order = Array.from({ length: 40 }, (_, i) => (i * 17) % 40); // a scrambled completion order
    for (const i of order) kept.add(i, result(`s/broke-${String(i).padStart(2, '0')}`, 'F'));
    const all = kept.inFileOrder();
    expect(all.filter(({ result: r }) => isHeavy(r)).map(({ result: r }) => r.key)).toEqual(['s/broke-00', 's/broke-01', 's/broke-02', 's/broke-03', 's/broke-04']);
    expect(kept.slimmed).toBe(35);
  });

  test('the comparison of what is kept is the comparison of the full results', () => {
    const cases = [
      result('s/pass', 'PPP'),
      result('s/fixed', 'PPP', 'failed'),
      result('s/regressed', 'FFF'),
      result('s/flaky', 'PFP'),
      result('s/diverged', 'DDD'),
      result('s/errored', 'EEE', 'failed'),
      ...Array.from({ length: 20 }, (_, i) => result(`s/more-${i}`, i % 3 === 0 ? 'FFF' : 'PPP', i % 2 ? 'ok' : 'failed')),
    ];
    const baseline = runOf([result('s/pass', 'PPP'), result('s/regressed', 'PPP'), result('s/flaky', 'PPP'), result('s/gone', 'PPP')], 3);
    for (const base of [undefined, baseline]) {
      const kept = new ResultRetention({ repeat: 3, detailedPerVerdict: 2, ...(base && { baseline: base }) });
      cases.forEach((c, i) => kept.add(i, c));
      const slimRun = runOf(kept.inFileOrder().map((e) => e.result), 3);
      expect(kept.slimmed).toBeGreaterThan(10);
      const strip = (r: RunResults) => compareRuns(r, base).cases.map(({ head: _head, ...rest }) => rest);
      expect(strip(slimRun)).toEqual(strip(runOf(cases, 3)));
    }
  });

  test('nothing is slimmed without a results file (keepAll) or when the thresholds are invalid (the run reports that)', () => {
    for (const options of [{ keepAll: true }, { compare: { thresholds: { pass: 0.2, fail: 0.5 } } }]) {
      const kept = new ResultRetention({ repeat: 1, detailedPerVerdict: 0, ...options });
      for (let i = 0; i < 10; i++) kept.add(i, result(`s/${i}`, i % 2 ? 'P' : 'F'));
      expect(kept.inFileOrder().every(({ result: r }) => isHeavy(r))).toBe(true);
      expect(kept.slimmed).toBe(0);
    }
  });
});
