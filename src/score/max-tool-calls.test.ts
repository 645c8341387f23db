import { describe, expect, it } from 'vitest';
import { maxToolCallsAssertion } from './max-tool-calls.js';
import { context, makeRun, model, tool, sync } from './test-support.js';

const ctx = context();
const run = makeRun({ timeline: [model(), tool('search'), tool('search'), model(), tool('refund'), model()], durationMs: 1500.4 });

describe('max-tool-calls', () => {
  it('counts all tool calls, or one tool', () => {
    expect(sync(maxToolCallsAssertion.evaluate({ type: 'max-tool-calls', max: 3 }, run, ctx))).toMatchObject({ pass: true });
    expect(sync(maxToolCallsAssertion.evaluate({ type: 'max-tool-calls', max: 2 }, run, ctx))).toMatchObject({ pass: false, score: 2 / 3, message: 'expected at most 2 tool calls, used 3' });
    expect(sync(maxToolCallsAssertion.evaluate({ type: 'max-tool-calls', max: 1, tool: 'search' }, run, ctx))).toMatchObject({
      pass: false,
      score: 0.5,
      message: 'expected at most 1 call of search, used 2',
    });
    expect(sync(maxToolCallsAssertion.evaluate({ type: 'max-tool-calls', max: 0, tool: 'delete' }, run, ctx))).toMatchObject({ pass: true });
  });

  it('describes itself', () => {
    expect(maxToolCallsAssertion.describe({ type: 'max-tool-calls', max: 5 })).toBe('at most 5 tool calls');
    expect(maxToolCallsAssertion.describe({ type: 'max-tool-calls', max: 2, tool: 'search' })).toBe('at most 2 calls of search');
  });
});
