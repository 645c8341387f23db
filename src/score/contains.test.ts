import { describe, expect, it } from 'vitest';
import { containsAssertion } from './contains.js';
import { context, makeRun, sync } from './test-support.js';
import type { SpecOf } from './types.js';
import type { Json } from '../model/json.js';

const ctx = context();
const check = (spec: SpecOf<'contains'>, output: Json | undefined) => sync(containsAssertion.evaluate(spec, makeRun({ output }), ctx));

describe('contains', () => {
  it('finds text in a string output', () => {
    expect(check({ type: 'contains', value: 'refund issued' }, 'Your refund issued today.')).toMatchObject({ pass: true, score: 1 });
  });

  it('searches the JSON text of a non-string output', () => {
    expect(check({ type: 'contains', value: '"status":"refunded"' }, { status: 'refunded' })).toMatchObject({ pass: true });
    expect(check({ type: 'contains', value: '42' }, 42)).toMatchObject({ pass: true });
  });

  it('is case-sensitive unless told otherwise', () => {
    expect(check({ type: 'contains', value: 'Refund' }, 'refund issued')).toMatchObject({ pass: false, score: 0 });
    expect(check({ type: 'contains', value: 'Refund', caseSensitive: false }, 'REFUND issued')).toMatchObject({ pass: true });
  });

  it('fails with the output in the message and evidence', () => {
    const result = check({ type: 'contains', value: 'refund issued' }, 'I cannot help with that.');
    expect(result).toEqual({
      pass: false,
      score: 0,
      message: 'expected output to contain "refund issued"; it was "I cannot help with that."',
      evidence: { actual: 'I cannot help with that.' },
    });
  });

  it('fails on empty output and looks under a path', () => {
    expect(check({ type: 'contains', value: 'x' }, undefined)).toMatchObject({ pass: false, message: expect.stringContaining('it is empty') });
    expect(check({ type: 'contains', value: 'ok', path: '/reply' }, { reply: 'all ok', note: 'x' })).toMatchObject({ pass: true });
    expect(check({ type: 'contains', value: 'x', path: '/note' }, { reply: 'x' })).toMatchObject({ pass: false, message: expect.stringContaining('no key "note"') });
  });

  it('errors on a value that is not a string', () => {
    expect(check({ type: 'contains', value: 3 as unknown as string }, '3').error).toContain('needs a string `value`');
  });

  it('describes itself', () => {
    expect(containsAssertion.describe({ type: 'contains', value: 'refund issued' })).toBe('output contains "refund issued"');
    expect(containsAssertion.describe({ type: 'contains', value: 'a', caseSensitive: false, path: '/r' })).toBe('output at /r contains "a" (ignoring case)');
  });
});
