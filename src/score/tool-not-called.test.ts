import { describe, expect, it } from 'vitest';
import { toolNotCalledAssertion } from './tool-not-called.js';
import { context, makeRun, model, tool, sync } from './test-support.js';

const ctx = context();
const run = makeRun({ timeline: [model(), tool('lookup_order', { orderId: 'A1' }), tool('issue_refund', { orderId: 'A1', amount: 20 })] });

describe('tool-not-called', () => {
  it('passes when the tool never ran', () => {
    expect(sync(toolNotCalledAssertion.evaluate({ type: 'tool-not-called', tool: 'escalate' }, run, ctx))).toEqual({
      pass: true,
      score: 1,
      message: 'escalate was not called',
    });
  });

  it('fails with the offending calls and their steps', () => {
    expect(sync(toolNotCalledAssertion.evaluate({ type: 'tool-not-called', tool: 'issue_refund' }, run, ctx))).toEqual({
      pass: false,
      score: 0,
      message: 'expected issue_refund not to be called, it was called once (first at step 2 with {"orderId":"A1","amount":20})',
      evidence: { calls: [{ step: 2, args: { orderId: 'A1', amount: 20 } }] },
    });
  });

  it('with args, only matching calls count', () => {
    expect(sync(toolNotCalledAssertion.evaluate({ type: 'tool-not-called', tool: 'issue_refund', args: { orderId: 'B2' } }, run, ctx))).toMatchObject({ pass: true });
    expect(sync(toolNotCalledAssertion.evaluate({ type: 'tool-not-called', tool: 'issue_refund', args: { amount: 20 } }, run, ctx))).toMatchObject({ pass: false });
  });

  it('describes itself', () => {
    expect(toolNotCalledAssertion.describe({ type: 'tool-not-called', tool: 'issue_refund' })).toBe('tool issue_refund not called');
    expect(toolNotCalledAssertion.describe({ type: 'tool-not-called', tool: 'a', args: { x: 1 } })).toBe('tool a not called with {"x":1}');
  });
});
