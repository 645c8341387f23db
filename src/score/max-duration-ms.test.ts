import { describe, expect, it } from 'vitest';
import { maxDurationMsAssertion } from './max-duration-ms.js';
import { context, makeRun, model, tool, sync } from './test-support.js';

const ctx = context();
const run = makeRun({ timeline: [model(), tool('search'), tool('search'), model(), tool('refund'), model()], durationMs: 1500.4 });

describe('max-duration-ms', () => {
  it('compares the wall time of the attempt', () => {
    expect(sync(maxDurationMsAssertion.evaluate({ type: 'max-duration-ms', max: 2000 }, run, ctx))).toMatchObject({ pass: true, message: '1500 ms (max 2000)' });
    expect(sync(maxDurationMsAssertion.evaluate({ type: 'max-duration-ms', max: 750 }, run, ctx))).toMatchObject({ pass: false, score: 0.5 });
    expect(maxDurationMsAssertion.describe({ type: 'max-duration-ms', max: 750 })).toBe('finishes within 750 ms');
  });
});
