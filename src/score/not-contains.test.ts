import { describe, expect, it } from 'vitest';
import { notContainsAssertion } from './not-contains.js';
import { context, makeRun, sync } from './test-support.js';
import type { SpecOf } from './types.js';
import type { Json } from '../model/json.js';

const ctx = context();
const check = (spec: SpecOf<'not-contains'>, output: Json | undefined) => sync(notContainsAssertion.evaluate(spec, makeRun({ output }), ctx));

describe('not-contains', () => {
  it('passes when the text is absent', () => {
    expect(check({ type: 'not-contains', value: 'password' }, 'Here is your order.')).toEqual({
      pass: true,
      score: 1,
      message: 'output does not contain the text',
    });
    expect(check({ type: 'not-contains', value: 'x' }, undefined)).toMatchObject({ pass: true });
  });

  it('fails showing where the text occurs', () => {
    const result = check({ type: 'not-contains', value: 'password' }, 'Your password is hunter2');
    expect(result).toEqual({
      pass: false,
      score: 0,
      message: 'expected output not to contain "password", found it at character 5',
      evidence: { index: 5, context: 'Your password is hunter2' },
    });
  });

  it('ignores case when asked, and searches JSON text of objects', () => {
    expect(check({ type: 'not-contains', value: 'PASSWORD', caseSensitive: false }, 'password')).toMatchObject({ pass: false });
    expect(check({ type: 'not-contains', value: 'PASSWORD' }, 'password')).toMatchObject({ pass: true });
    expect(check({ type: 'not-contains', value: 'ssn' }, { ssn: '1' })).toMatchObject({ pass: false });
  });

  it('fails on a missing path rather than passing vacuously', () => {
    expect(check({ type: 'not-contains', value: 'x', path: '/reply' }, { other: 1 })).toMatchObject({ pass: false, score: 0 });
  });

  it('describes itself', () => {
    expect(notContainsAssertion.describe({ type: 'not-contains', value: 'refund issued' })).toBe('output does not contain "refund issued"');
  });
});
