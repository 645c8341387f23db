import { describe, expect, it } from 'vitest';
import { describeCount, toolCalledAssertion } from './tool-called.js';
import { context, makeRun, model, tool, sync } from './test-support.js';
import type { SpecOf } from './types.js';

const ctx = context();
const run = makeRun({
  timeline: [
    model(),
    tool('lookup_order', { orderId: 'A1' }),
    tool('issue_refund', { orderId: 'A1', amount: 20 }),
    tool('issue_refund', { orderId: 'B2', amount: 5 }),
    tool('send_email', { to: 'x' }),
  ],
});
const check = (spec: Omit<SpecOf<'tool-called'>, 'type'>) => sync(toolCalledAssertion.evaluate({ type: 'tool-called', ...spec }, run, ctx));

describe('tool-called', () => {
  it('passes when the tool was called at least once by default', () => {
    expect(check({ tool: 'issue_refund' })).toEqual({ pass: true, score: 1, message: 'issue_refund was called 2 times' });
  });

  it('fails when it was never called, naming what was', () => {
    expect(check({ tool: 'escalate' })).toEqual({
      pass: false,
      score: 0,
      message: 'expected escalate to be called at least once, it was called 0 times; tools called: lookup_order, issue_refund ×2, send_email',
      evidence: { count: 0, calls: [] },
    });
  });

  it('counts only calls whose args contain the expected ones', () => {
    expect(check({ tool: 'issue_refund', args: { orderId: 'A1' }, count: 1 })).toMatchObject({ pass: true });
    const result = check({ tool: 'issue_refund', args: { orderId: 'C3' } });
    expect(result).toMatchObject({ pass: false, score: 0 });
    expect(result.message).toContain('it was called 0 times (2 times in all, with other arguments)');
    expect(result.evidence).toEqual({
      count: 0,
      calls: [
        { step: 2, args: { orderId: 'A1', amount: 20 } },
        { step: 3, args: { orderId: 'B2', amount: 5 } },
      ],
    });
  });

  it('checks exact counts and bounds, scoring how close the count came', () => {
    expect(check({ tool: 'issue_refund', count: 2 })).toMatchObject({ pass: true });
    expect(check({ tool: 'issue_refund', count: 1 })).toMatchObject({ pass: false, score: 0.5 });
    expect(check({ tool: 'issue_refund', count: 4 })).toMatchObject({ pass: false, score: 0.5 });
    expect(check({ tool: 'issue_refund', count: { min: 1, max: 3 } })).toMatchObject({ pass: true });
    expect(check({ tool: 'issue_refund', count: { max: 1 } })).toMatchObject({ pass: false, score: 0.5 });
    expect(check({ tool: 'issue_refund', count: { min: 3 } })).toMatchObject({ pass: false, score: 2 / 3 });
    expect(check({ tool: 'escalate', count: 0 })).toMatchObject({ pass: true });
    expect(check({ tool: 'issue_refund', count: 0 })).toMatchObject({ pass: false, score: 0 });
  });

  it('errors on an invalid count or a missing tool name', () => {
    expect(check({ tool: 'x', count: -1 }).error).toContain('whole number >= 0');
    expect(check({ tool: 'x', count: 1.5 }).error).toContain('whole number >= 0');
    expect(check({ tool: 'x', count: { min: 3, max: 1 } }).error).toContain('count.min (3) is greater than count.max (1)');
    expect(check({ tool: '' }).error).toContain('needs a `tool`');
  });

  it('describes itself', () => {
    expect(toolCalledAssertion.describe({ type: 'tool-called', tool: 'issue_refund' })).toBe('tool issue_refund called');
    expect(toolCalledAssertion.describe({ type: 'tool-called', tool: 'a', args: { id: 1 }, count: 2 })).toBe('tool a called with {"id":1} 2 times');
    expect(describeCount({ min: 1, max: 3 })).toBe('between 1 and 3 times');
    expect(describeCount({ max: 1 })).toBe('at most once');
    expect(describeCount(1)).toBe('once');
  });
});
