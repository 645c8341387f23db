import { describe, expect, it } from 'vitest';
import { noErrorAssertion } from './no-error.js';
import { context, makeRun, sync } from './test-support.js';

const ctx = context();

describe('no-error', () => {
  it('passes a clean run', () => {
    expect(sync(noErrorAssertion.evaluate({ type: 'no-error' }, makeRun({ output: 'ok' }), ctx))).toEqual({
      pass: true,
      score: 1,
      message: 'the run completed without error',
    });
  });

  it('fails when the agent threw, with the error as evidence', () => {
    const run = makeRun({ error: { code: 'AGENT_THREW', message: 'boom', name: 'TypeError', stack: 'at x' } });
    expect(sync(noErrorAssertion.evaluate({ type: 'no-error' }, run, ctx))).toEqual({
      pass: false,
      score: 0,
      message: 'expected no error; the agent failed (AGENT_THREW): boom',
      evidence: { error: { code: 'AGENT_THREW', message: 'boom', name: 'TypeError' } },
    });
  });

  it('fails when the replay diverged, even without an error', () => {
    const divergence = { kind: 'unmatched-tool-call' as const, step: 3, message: 'no recorded call of issue_refund matches', tool: 'issue_refund', args: { id: 1 } };
    const result = sync(noErrorAssertion.evaluate({ type: 'no-error' }, makeRun({ divergence }), ctx));
    expect(result).toEqual({
      pass: false,
      score: 0,
      message: 'expected no error; the replay diverged at step 3 (unmatched-tool-call): no recorded call of issue_refund matches',
      evidence: { divergence },
    });
  });

  it('describes itself', () => {
    expect(noErrorAssertion.describe({ type: 'no-error' })).toBe('run completes without error');
  });
});
