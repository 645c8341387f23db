import { describe, expect, it } from 'vitest';
import { maxTokensAssertion } from './max-tokens.js';
import { runTokens, usageTokens } from './timeline.js';
import { context, makeRun, model, tool, sync } from './test-support.js';

const ctx = context();

describe('max-tokens', () => {
  it('sums model-call usage and run.usage', () => {
    const run = makeRun({
      timeline: [model({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 80 }), tool('x'), model({ totalTokens: 50 })],
      usage: { inputTokens: 30 },
    });
    expect(runTokens(run)).toBe(200);
    expect(sync(maxTokensAssertion.evaluate({ type: 'max-tokens', max: 200 }, run, ctx))).toMatchObject({ pass: true, message: '200 tokens (max 200)' });
    expect(sync(maxTokensAssertion.evaluate({ type: 'max-tokens', max: 150 }, run, ctx))).toEqual({
      pass: false,
      score: 0.75,
      message: 'expected at most 150 tokens, used 200',
      evidence: { used: 200, max: 150 },
    });
  });

  it('counts run.usage alone and model usage alone', () => {
    expect(runTokens(makeRun({ usage: { totalTokens: 7 } }))).toBe(7);
    expect(runTokens(makeRun({ timeline: [model({ outputTokens: 3 }), model()] }))).toBe(3);
  });

  it('errors, never passes, when no usage is recorded', () => {
    const run = makeRun({ timeline: [model(), model({}), tool('x')], usage: {} });
    const result = sync(maxTokensAssertion.evaluate({ type: 'max-tokens', max: 1_000_000 }, run, ctx));
    expect(result).toMatchObject({ pass: false, score: 0, error: 'no token usage recorded' });
    expect(result.message).toContain('cannot check the budget of 1000000 tokens');
  });

  it('usageTokens prefers totalTokens and ignores cached input', () => {
    expect(usageTokens({ totalTokens: 9, inputTokens: 1 })).toBe(9);
    expect(usageTokens({ inputTokens: 5, cachedInputTokens: 5 })).toBe(5);
    expect(usageTokens(undefined)).toBeUndefined();
  });
});
