import { describe, expect, it } from 'vitest';
import { matchesAssertion } from './matches.js';
import { context, makeRun, sync } from './test-support.js';
import type { SpecOf } from './types.js';
import type { Json } from '../model/json.js';

const ctx = context();
const check = (spec: SpecOf<'matches'>, output: Json | undefined) => sync(matchesAssertion.evaluate(spec, makeRun({ output }), ctx));

describe('matches', () => {
  it('passes on a match, with the match as evidence', () => {
    expect(check({ type: 'matches', pattern: 'REF-\\d{4}' }, 'Refund REF-1234 issued')).toEqual({
      pass: true,
      score: 1,
      message: 'output matches /REF-\\d{4}/',
      evidence: { match: 'REF-1234', index: 7 },
    });
  });

  it('fails without a match', () => {
    const result = check({ type: 'matches', pattern: '^REF-\\d+$' }, 'no reference');
    expect(result).toMatchObject({ pass: false, score: 0, message: 'expected output to match /^REF-\\d+$/; it was "no reference"' });
  });

  it('honours flags, and g/y do not carry state between runs', () => {
    expect(check({ type: 'matches', pattern: 'refund', flags: 'i' }, 'REFUND')).toMatchObject({ pass: true });
    expect(check({ type: 'matches', pattern: 'refund' }, 'REFUND')).toMatchObject({ pass: false });
    const spec: SpecOf<'matches'> = { type: 'matches', pattern: 'a', flags: 'g' };
    for (let i = 0; i < 3; i++) expect(check(spec, 'xa')).toMatchObject({ pass: true });
  });

  it('matches at a path and against JSON text', () => {
    expect(check({ type: 'matches', pattern: '^\\d+$', path: '/id' }, { id: 12 })).toMatchObject({ pass: true });
    expect(check({ type: 'matches', pattern: '"id":12' }, { id: 12 })).toMatchObject({ pass: true });
  });

  it('reports a bad regex or flags as an assertion error, not a crash', () => {
    const bad = check({ type: 'matches', pattern: '(unclosed' }, 'x');
    expect(bad).toMatchObject({ pass: false, score: 0 });
    expect(bad.error).toMatch(/^invalid regular expression \/\(unclosed\/: .*fix the pattern/);
    expect(check({ type: 'matches', pattern: 'a', flags: 'q' }, 'a').error).toContain('invalid regular expression /a/q');
  });

  it('describes itself', () => {
    expect(matchesAssertion.describe({ type: 'matches', pattern: 'a+', flags: 'i' })).toBe('output matches /a+/i');
  });
});
