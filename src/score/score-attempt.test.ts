import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssertionSpec } from '../model/assertion.js';
import { combineResults, evaluateAssertion, scoreAttempt } from './score-attempt.js';
import { context, makeRun, model, tool } from './test-support.js';

const run = makeRun({
  output: { reply: 'Your refund was issued.', status: 'refunded' },
  timeline: [model({ totalTokens: 120 }), tool('lookup_order', { orderId: 'A1' }), tool('issue_refund', { orderId: 'A1', amount: 20 }), model({ totalTokens: 80 })],
  durationMs: 40,
});

const dir = mkdtempSync(join(tmpdir(), 'rehearse-score-'));
const caseFile = join(dir, 'refund-1.case.json');
writeFileSync(join(dir, 'tone.mjs'), 'export default async (run) => ({ pass: /refund/.test(run.output.reply), score: 0.9, message: "tone ok" });');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scoreAttempt', () => {
  it('passes when every assertion passes, keeping spec order and names', async () => {
    const specs: AssertionSpec[] = [
      { type: 'contains', value: 'refund was issued', path: '/reply' },
      { type: 'tool-called', tool: 'issue_refund', name: 'refund happened' },
      { type: 'trajectory', expected: ['lookup_order', 'issue_refund'] },
      { type: 'max-tokens', max: 500 },
    ];
    const scored = await scoreAttempt(specs, run, context({}, caseFile));
    expect(scored.pass).toBe(true);
    expect(scored.score).toBe(1);
    expect(scored.assertions.map((a) => [a.type, a.name, a.pass])).toEqual([
      ['contains', 'output at /reply contains "refund was issued"', true],
      ['tool-called', 'refund happened', true],
      ['trajectory', 'trajectory: lookup_order → issue_refund', true],
      ['max-tokens', 'uses at most 500 tokens', true],
    ]);
    expect(scored.assertions[0]).not.toHaveProperty('evidence');
    expect(scored.assertions[0]).not.toHaveProperty('error');
  });

  it('fails when any assertion fails; score is the weighted mean', async () => {
    const specs: AssertionSpec[] = [
      { type: 'tool-not-called', tool: 'issue_refund', weight: 3 },
      { type: 'no-error' },
    ];
    const scored = await scoreAttempt(specs, run, context({}, caseFile));
    expect(scored.pass).toBe(false);
    expect(scored.score).toBe(0.25);
  });

  it('with passThreshold, passes when the weighted score reaches it', async () => {
    const specs: AssertionSpec[] = [
      { type: 'contains', value: 'refund' },
      { type: 'contains', value: 'apology', weight: 0.5 },
      { type: 'trajectory', expected: ['lookup_order', 'issue_refund', 'send_email'], weight: 1.5 },
    ];
    // (1·1 + 0.5·0 + 1.5·(2/3)) / 3 = 2/3
    const reached = await scoreAttempt(specs, run, context({ passThreshold: 2 / 3 }, caseFile));
    expect(reached.score).toBeCloseTo(2 / 3, 12);
    expect(reached.pass).toBe(true);
    expect((await scoreAttempt(specs, run, context({ passThreshold: 0.7 }, caseFile))).pass).toBe(false);
    expect((await scoreAttempt(specs, run, context({}, caseFile))).pass).toBe(false);
  });

  it('scores an errored assertion 0 and never passes it', async () => {
    const specs: AssertionSpec[] = [{ type: 'matches', pattern: '(' }, { type: 'max-tokens', max: 10 }];
    const scored = await scoreAttempt(specs, makeRun({ output: 'x' }), context({ passThreshold: 0 }, caseFile));
    expect(scored.assertions.map((a) => [a.pass, a.score, a.error !== undefined])).toEqual([
      [false, 0, true],
      [false, 0, true],
    ]);
    expect(scored.assertions[1]?.error).toBe('no token usage recorded');
    expect(scored.score).toBe(0);
  });

  it('awaits async assertions (custom, first json-diff) alongside sync ones', async () => {
    const specs: AssertionSpec[] = [
      { type: 'custom', module: './tone.mjs' },
      { type: 'equals', path: '/status', value: 'denied' },
      { type: 'tool-args', tool: 'issue_refund', args: { amount: 25 } },
      { type: 'max-steps', max: 10 },
    ];
    const scored = await scoreAttempt(specs, run, context({}, caseFile));
    expect(scored.assertions.map((a) => [a.type, a.pass, a.score])).toEqual([
      ['custom', true, 0.9],
      ['equals', false, 0],
      ['tool-args', false, 0],
      ['max-steps', true, 1],
    ]);
    expect(scored.assertions[0]?.message).toBe('tone ok');
    expect(scored.score).toBeCloseTo(1.9 / 4, 12);
    expect((scored.assertions[2]?.evidence as { diff: unknown }).diff).toEqual([{ type: 'UPDATE', key: 'amount', value: 20, oldValue: 25 }]);
  });

  it('reports unknown types and non-object specs as errors, never throwing', async () => {
    const specs = [{ type: 'sentiment', value: 'positive' }, null] as unknown as AssertionSpec[];
    const scored = await scoreAttempt(specs, run, context({}, caseFile));
    expect(scored.pass).toBe(false);
    expect(scored.assertions[0]).toMatchObject({ type: 'sentiment', name: 'unknown assertion "sentiment"', pass: false, score: 0 });
    expect(scored.assertions[0]?.error).toContain('unknown assertion type "sentiment"; known types: equals, contains');
    expect(scored.assertions[1]).toMatchObject({ type: 'invalid', pass: false, error: 'invalid assertion spec' });
  });

  it('passes an attempt with no assertions with score 1', async () => {
    expect(await scoreAttempt([], run, context({}, caseFile))).toEqual({ assertions: [], pass: true, score: 1 });
  });
});

describe('evaluateAssertion', () => {
  it('answers synchronously for built-in assertions that need no module', () => {
    const result = evaluateAssertion({ type: 'contains', value: 'refund' }, run, context({}, caseFile));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ pass: true });
  });

  it('turns a crash inside an assertion into an error result', async () => {
    const crashingRun = { ...run, timeline: null } as unknown as typeof run;
    const result = await evaluateAssertion({ type: 'max-steps', max: 3 }, crashingRun, context({}, caseFile));
    expect(result).toMatchObject({ type: 'max-steps', pass: false, score: 0 });
    expect(result.error).toMatch(/^the max-steps assertion failed to run: /);
  });
});

describe('combineResults', () => {
  const r = (pass: boolean, score: number) => ({ type: 'x', name: 'x', pass, score, message: '' });
  it('uses the plain mean when every weight is 0 and ignores invalid weights', () => {
    expect(combineResults([{ type: 'no-error', weight: 0 }, { type: 'no-error', weight: 0 }], [r(true, 1), r(false, 0)])).toEqual({ pass: false, score: 0.5 });
    expect(combineResults([{ type: 'no-error', weight: -5 }, { type: 'no-error' }], [r(true, 1), r(false, 0)])).toEqual({ pass: false, score: 0.5 });
  });
  it('lets a weight of 0 exclude an assertion from the score but not from pass', () => {
    expect(combineResults([{ type: 'no-error', weight: 0 }, { type: 'no-error' }], [r(false, 0), r(true, 1)])).toEqual({ pass: false, score: 1 });
    expect(combineResults([{ type: 'no-error', weight: 0 }, { type: 'no-error' }], [r(false, 0), r(true, 1)], 0.9)).toEqual({ pass: true, score: 1 });
  });
  it('tolerates floating-point error at the threshold', () => {
    const specs = [{ type: 'no-error' as const }, { type: 'no-error' as const }, { type: 'no-error' as const }];
    expect(combineResults(specs, [r(false, 0.1), r(false, 0.2), r(false, 0.6)], 0.3).pass).toBe(true);
  });
});
