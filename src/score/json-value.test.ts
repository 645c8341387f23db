import { describe, expect, it } from 'vitest';
import { deepEqual, formatJsonShort, leafAgreement, projectOnto, subsetMatch } from './json-value.js';

describe('deepEqual', () => {
  it('ignores key order and compares deeply', () => {
    expect(deepEqual({ a: 1, b: { c: [1, { d: 2 }] } }, { b: { c: [1, { d: 2 }] }, a: 1 })).toBe(true);
  });
  it('tells apart values that differ anywhere', () => {
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual([1], { 0: 1 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
    expect(deepEqual({ a: null }, { b: null })).toBe(false);
  });
});

describe('subsetMatch', () => {
  it('matches objects on the expected keys only', () => {
    expect(subsetMatch({ orderId: 'A1' }, { orderId: 'A1', reason: 'late' })).toBe(true);
    expect(subsetMatch({ order: { id: 'A1' } }, { order: { id: 'A1', total: 3 }, x: 1 })).toBe(true);
    expect(subsetMatch({}, { anything: true })).toBe(true);
  });
  it('fails on a missing or different key', () => {
    expect(subsetMatch({ orderId: 'A1' }, { order: 'A1' })).toBe(false);
    expect(subsetMatch({ orderId: 'A1' }, { orderId: 'A2' })).toBe(false);
    expect(subsetMatch({ a: null }, {})).toBe(false);
  });
  it('needs arrays of equal length, matched element by element', () => {
    expect(subsetMatch([{ sku: 'X' }], [{ sku: 'X', qty: 2 }])).toBe(true);
    expect(subsetMatch([1], [1, 2])).toBe(false);
    expect(subsetMatch([1, 2], [2, 1])).toBe(false);
  });
  it('compares primitives with === and never crosses types', () => {
    expect(subsetMatch(1, 1)).toBe(true);
    expect(subsetMatch(1, '1')).toBe(false);
    expect(subsetMatch({}, [])).toBe(false);
    expect(subsetMatch([], {})).toBe(false);
    expect(subsetMatch({}, null)).toBe(false);
  });
});

describe('leafAgreement', () => {
  it('is the share of leaves that agree', () => {
    expect(leafAgreement({ a: 1, b: 2 }, { a: 1, b: 3 }, false)).toBe(0.5);
    expect(leafAgreement({ a: 1, b: [1, 2, 3, 4] }, { a: 0, b: [1, 2, 3, 0] }, false)).toBeCloseTo(3 / 5);
  });
  it('counts keys only the actual value has when exact', () => {
    expect(leafAgreement({ a: 1 }, { a: 1, b: 2 }, false)).toBe(1);
    expect(leafAgreement({ a: 1 }, { a: 1, b: 2 }, true)).toBe(0.5);
  });
  it('counts extra array elements against in both modes', () => {
    expect(leafAgreement([1], [1, 2], false)).toBe(0.5);
  });
  it('is 1 exactly when the match succeeds', () => {
    const pairs: [unknown, unknown][] = [
      [{}, { a: 1 }],
      [{}, {}],
      [[], []],
      [[], [1]],
      [{ a: {} }, { a: 5 }],
      [{ a: [] }, { a: {} }],
      [{ a: [{ b: 1 }] }, { a: [{ b: 1, c: 2 }] }],
      [null, null],
      [null, 0],
      ['x', 'x'],
    ];
    for (const [e, a] of pairs) {
      expect(leafAgreement(e, a, false) === 1, `subset ${JSON.stringify([e, a])}`).toBe(subsetMatch(e, a));
      expect(leafAgreement(e, a, true) === 1, `exact ${JSON.stringify([e, a])}`).toBe(deepEqual(e, a));
    }
  });
});

describe('projectOnto', () => {
  it('keeps only the keys the expected value names', () => {
    expect(projectOnto({ a: { b: 1 } }, { a: { b: 2, c: 3 }, d: 4 })).toEqual({ a: { b: 2 } });
    expect(projectOnto([{ a: 1 }], [{ a: 1, b: 2 }, { a: 3 }])).toEqual([{ a: 1 }, { a: 3 }]);
    expect(projectOnto({ a: 1 }, 'text')).toBe('text');
  });
});

describe('formatJsonShort', () => {
  it('cuts long JSON with an ellipsis', () => {
    expect(formatJsonShort({ a: 'x'.repeat(100) }, 20)).toHaveLength(20);
    expect(formatJsonShort({ a: 1 })).toBe('{"a":1}');
  });
});
