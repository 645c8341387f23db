import { describe, expect, it } from 'vitest';
import { maxStepsAssertion } from './max-steps.js';
import { context, makeRun, model, tool, sync } from './test-support.js';

const ctx = context();
const run = makeRun({ timeline: [model(), tool('search'), tool('search'), model(), tool('refund'), model()], durationMs: 1500.4 });

describe('max-steps', () => {
  it('counts every timeline event, model and tool', () => {
    expect(sync(maxStepsAssertion.evaluate({ type: 'max-steps', max: 6 }, run, ctx))).toEqual({ pass: true, score: 1, message: '6 steps (max 6)' });
    expect(sync(maxStepsAssertion.evaluate({ type: 'max-steps', max: 4 }, run, ctx))).toEqual({
      pass: false,
      score: 4 / 6,
      message: 'expected at most 4 steps, used 6',
      evidence: { used: 6, max: 4 },
    });
    expect(sync(maxStepsAssertion.evaluate({ type: 'max-steps', max: 0 }, run, ctx))).toMatchObject({ pass: false, score: 0 });
  });

  it('errors on a max that is not a number >= 0', () => {
    expect(sync(maxStepsAssertion.evaluate({ type: 'max-steps', max: -1 }, run, ctx)).error).toBe('max-steps: max must be a number >= 0, got -1');
    expect(sync(maxStepsAssertion.evaluate({ type: 'max-steps', max: '5' as unknown as number }, run, ctx)).error).toContain('got "5"');
  });
});
