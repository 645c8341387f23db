import { describe, expect, it } from 'vitest';
import { equalsAssertion } from './equals.js';
import { context, makeRun } from './test-support.js';
import type { SpecOf } from './types.js';

const ctx = context();
const check = (spec: SpecOf<'equals'>, output: ReturnType<typeof makeRun>['output']) => equalsAssertion.evaluate(spec, makeRun({ output }), ctx);

describe('equals', () => {
  it('passes on deep equality, key order ignored, synchronously', () => {
    const result = check({ type: 'equals', value: { status: 'refunded', amount: 20 } }, { amount: 20, status: 'refunded' });
    expect(result).toEqual({ pass: true, score: 1, message: 'output equals the expected value' });
  });

  it('fails with a json-diff-ts changeset and partial score for objects', async () => {
    const result = await check({ type: 'equals', value: { status: 'refunded', amount: 20 } }, { status: 'denied', amount: 20 });
    expect(result.pass).toBe(false);
    expect(result.score).toBe(0.5);
    expect(result.message).toBe('expected output to equal {"status":"refunded","amount":20}, got {"status":"denied","amount":20}');
    expect(result.evidence).toEqual({
      expected: { status: 'refunded', amount: 20 },
      actual: { status: 'denied', amount: 20 },
      diff: [{ type: 'UPDATE', key: 'status', value: 'denied', oldValue: 'refunded' }],
    });
  });

  it('fails on primitives with expected and actual as evidence', async () => {
    const result = await check({ type: 'equals', value: 'yes' }, 'no');
    expect(result).toEqual({ pass: false, score: 0, message: 'expected output to equal "yes", got "no"', evidence: { expected: 'yes', actual: 'no' } });
  });

  it('compares the value at a path', async () => {
    expect((await check({ type: 'equals', path: '/order/status', value: 'refunded' }, { order: { status: 'refunded' } })).pass).toBe(true);
    const wrong = await check({ type: 'equals', path: '$.order.status', value: 'refunded' }, { order: { status: 'open' } });
    expect(wrong.message).toBe('expected output at $.order.status to equal "refunded", got "open"');
  });

  it('fails clearly on a missing path or no output, and errors on a bad path', async () => {
    const missing = await check({ type: 'equals', path: '/order/status', value: 'x' }, { order: {} });
    expect(missing).toMatchObject({ pass: false, score: 0 });
    expect(missing.message).toContain('no value at "/order/status"');
    expect(missing.error).toBeUndefined();

    const none = await check({ type: 'equals', value: null }, undefined);
    expect(none.message).toContain('the agent returned no output');

    const bad = await check({ type: 'equals', path: '$.a[', value: 1 }, { a: [1] });
    expect(bad.error).toContain('path "$.a["');
  });

  it('errors when the spec has no value', async () => {
    const result = await check({ type: 'equals' } as SpecOf<'equals'>, 'x');
    expect(result.error).toContain('needs a `value`');
  });

  it('describes itself', () => {
    expect(equalsAssertion.describe({ type: 'equals', value: { a: 1 } })).toBe('output equals {"a":1}');
    expect(equalsAssertion.describe({ type: 'equals', path: '/a', value: 1 })).toBe('output at /a equals 1');
  });
});
