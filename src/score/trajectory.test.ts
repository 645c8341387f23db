import { describe, expect, it } from 'vitest';
import { lcsLength, trajectoryAssertion } from './trajectory.js';
import { context, makeRun, model, tool, sync } from './test-support.js';
import type { TrajectoryMode } from '../model/assertion.js';

const ctx = context();
const runOf = (...names: string[]) => makeRun({ timeline: [model(), ...names.map((n) => tool(n)), model()] });
const check = (mode: TrajectoryMode | undefined, expected: string[], actual: string[]) =>
  sync(trajectoryAssertion.evaluate(mode ? { type: 'trajectory', expected, mode } : { type: 'trajectory', expected }, runOf(...actual), ctx));

describe('trajectory', () => {
  it('strict (default): the same sequence, model calls ignored', () => {
    expect(check(undefined, ['lookup', 'refund'], ['lookup', 'refund'])).toMatchObject({ pass: true, score: 1 });
    expect(check('strict', ['lookup', 'refund'], ['refund', 'lookup'])).toMatchObject({ pass: false, score: 0.5 });
    expect(check('strict', ['lookup', 'refund'], ['lookup', 'refund', 'email'])).toMatchObject({ pass: false, score: 2 / 3 });
    expect(check('strict', [], [])).toMatchObject({ pass: true });
  });

  it('unordered: the same multiset', () => {
    expect(check('unordered', ['a', 'b', 'b'], ['b', 'a', 'b'])).toMatchObject({ pass: true });
    expect(check('unordered', ['a', 'b', 'b'], ['b', 'a', 'a'])).toMatchObject({ pass: false, score: 2 / 3 });
  });

  it('subset: expected calls in order, others interleaved', () => {
    expect(check('subset', ['lookup', 'refund'], ['auth', 'lookup', 'log', 'refund'])).toMatchObject({ pass: true });
    expect(check('subset', ['lookup', 'refund'], ['refund', 'lookup'])).toMatchObject({ pass: false, score: 0.5 });
    expect(check('subset', [], ['x'])).toMatchObject({ pass: true });
  });

  it('superset: every actual call among the expected, in order', () => {
    expect(check('superset', ['auth', 'lookup', 'refund'], ['lookup', 'refund'])).toMatchObject({ pass: true });
    expect(check('superset', ['lookup', 'refund'], ['lookup', 'delete', 'refund'])).toMatchObject({ pass: false, score: 2 / 3 });
    expect(check('superset', ['a'], [])).toMatchObject({ pass: true });
  });

  it('shows both sequences, where they depart, and what is missing or unexpected', () => {
    const result = check('strict', ['lookup', 'refund', 'email'], ['lookup', 'escalate', 'email']);
    expect(result).toEqual({
      pass: false,
      score: 2 / 3,
      message:
        'tool calls do not follow the trajectory (strict): expected lookup → refund → email, got lookup → escalate → email; first departure at index 1 (expected refund, got escalate); missing: refund; unexpected: escalate',
      evidence: {
        mode: 'strict',
        expected: ['lookup', 'refund', 'email'],
        actual: ['lookup', 'escalate', 'email'],
        departsAt: 1,
        missing: ['refund'],
        unexpected: ['escalate'],
      },
    });
    const short = check('strict', ['a', 'b'], ['a']);
    expect(short.message).toContain('first departure at index 1 (expected b, got (end))');
  });

  it('errors on an unknown mode or a malformed expected list', () => {
    expect(check('sideways' as TrajectoryMode, ['a'], ['a']).error).toContain('trajectory mode must be one of strict, unordered, subset, superset');
    expect(sync(trajectoryAssertion.evaluate({ type: 'trajectory', expected: [1] as unknown as string[] }, runOf(), ctx)).error).toContain('list of tool names');
  });

  it('lcsLength', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['b', 'd', 'a', 'c'])).toBe(2);
    expect(lcsLength([], ['a'])).toBe(0);
  });

  it('describes itself', () => {
    expect(trajectoryAssertion.describe({ type: 'trajectory', expected: ['a', 'b'] })).toBe('trajectory: a → b');
    expect(trajectoryAssertion.describe({ type: 'trajectory', expected: [], mode: 'subset' })).toBe('trajectory (subset): (no tool calls)');
  });
});
