import { describe, expect, it } from 'vitest';
import { toolArgsAssertion } from './tool-args.js';
import { context, makeRun, model, tool } from './test-support.js';
import type { SpecOf } from './types.js';

const ctx = context();
const run = makeRun({
  timeline: [
    model(),
    tool('issue_refund', { orderId: 'A1', amount: 20, reason: 'late' }),
    tool('lookup_order', { orderId: 'A1' }),
    tool('issue_refund', { orderId: 'B2', amount: 5 }),
  ],
});
const check = async (spec: Omit<SpecOf<'tool-args'>, 'type'>) => toolArgsAssertion.evaluate({ type: 'tool-args', ...spec }, run, ctx);

describe('tool-args', () => {
  it('matches the first call as a subset by default', async () => {
    expect(await check({ tool: 'issue_refund', args: { orderId: 'A1', amount: 20 } })).toEqual({
      pass: true,
      score: 1,
      message: 'the 1st call of issue_refund had the expected arguments',
    });
  });

  it('picks the nth call (1-based)', async () => {
    expect(await check({ tool: 'issue_refund', nth: 2, args: { orderId: 'B2' } })).toMatchObject({ pass: true });
    expect(await check({ tool: 'issue_refund', nth: 2, args: { orderId: 'A1' } })).toMatchObject({ pass: false });
  });

  it('fails a subset mismatch with a diff over the named keys only and a partial score', async () => {
    const result = await check({ tool: 'issue_refund', args: { orderId: 'A1', amount: 25 } });
    expect(result.pass).toBe(false);
    expect(result.score).toBe(0.5);
    expect(result.message).toBe(
      'the 1st call of issue_refund (step 1) had arguments {"orderId":"A1","amount":20,"reason":"late"}; expected them to include {"orderId":"A1","amount":25}',
    );
    expect(result.evidence).toEqual({
      step: 1,
      expected: { orderId: 'A1', amount: 25 },
      actual: { orderId: 'A1', amount: 20, reason: 'late' },
      diff: [{ type: 'UPDATE', key: 'amount', value: 20, oldValue: 25 }],
    });
  });

  it('in exact mode, extra arguments fail and show in the diff', async () => {
    const result = await check({ tool: 'issue_refund', args: { orderId: 'A1', amount: 20 }, match: 'exact' });
    expect(result).toMatchObject({ pass: false, score: 2 / 3 });
    expect((result.evidence as { diff: unknown }).diff).toEqual([{ type: 'ADD', key: 'reason', value: 'late' }]);
    expect(await check({ tool: 'lookup_order', args: { orderId: 'A1' }, match: 'exact' })).toMatchObject({ pass: true });
  });

  it('fails when there is no nth call', async () => {
    expect(await check({ tool: 'issue_refund', nth: 3, args: {} })).toEqual({
      pass: false,
      score: 0,
      message: 'expected a 3rd call of issue_refund, but it was called only 2 times; tools called: issue_refund, lookup_order, issue_refund',
      evidence: { calls: 2 },
    });
    expect((await check({ tool: 'escalate', args: {} })).message).toContain('but it was never called');
  });

  it('errors on a bad nth, match or missing args', async () => {
    expect((await check({ tool: 'issue_refund', nth: 0, args: {} })).error).toContain('nth must be a whole number >= 1');
    expect((await check({ tool: 'issue_refund', args: {}, match: 'fuzzy' as 'exact' })).error).toContain('match must be "subset" or "exact"');
    expect((await check({ tool: 'issue_refund' } as SpecOf<'tool-args'>)).error).toContain('`args` is required');
  });

  it('describes itself', () => {
    expect(toolArgsAssertion.describe({ type: 'tool-args', tool: 'a', args: { x: 1 } })).toBe('tool a args include {"x":1}');
    expect(toolArgsAssertion.describe({ type: 'tool-args', tool: 'a', nth: 2, args: { x: 1 }, match: 'exact' })).toBe('tool a (2nd call) args equal {"x":1}');
  });
});
