import { describe, expect, it, test } from 'vitest';
import { canonicalJson, isPlainJson, jsonEqual } from './canonical-json.js';

describe('canonicalJson', () => {
  test('sorts object keys so key order does not change the text', () => {
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  test('sorts keys at every depth, inside arrays too', () => {
    const a = { outer: { z: [{ y: 1, x: 2 }], a: { d: null, c: true } }, first: 'x' };
    const b = { first: 'x', outer: { a: { c: true, d: null }, z: [{ x: 2, y: 1 }] } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"first":"x","outer":{"a":{"c":true,"d":null},"z":[{"x":2,"y":1}]}}');
  });

  test('keeps array order: [1, 2] and [2, 1] are different arguments', () => {
    expect(canonicalJson([1, 2])).toBe('[1,2]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  test('treats undefined as JSON.stringify does: dropped from objects, null in arrays', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson([1, undefined, 3])).toBe('[1,null,3]');
    expect(canonicalJson({ f: () => 1, a: 1 })).toBe('{"a":1}');
  });

  test('an absent argument has its own text that no JSON value can produce', () => {
    expect(canonicalJson(undefined)).toBe('undefined');
    expect(canonicalJson(undefined)).not.toBe(canonicalJson(null));
    expect(canonicalJson(undefined)).not.toBe(canonicalJson('undefined'));
  });

  test('scalars are plain JSON text, and strings are escaped', () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({ 'we"ird': 1 })).toBe('{"we\\"ird":1}');
  });

  test('uses toJSON, so a Date is its ISO text', () => {
    const at = new Date('2025-06-11T13:45:02.000Z');
    expect(canonicalJson({ at })).toBe('{"at":"2025-06-11T13:45:02.000Z"}');
    expect(canonicalJson({ at })).toBe(canonicalJson(JSON.parse(JSON.stringify({ at }))));
  });
});

describe('jsonEqual agrees with canonicalJson', () => {
  const samples: unknown[] = [
    null, 0, 1, -0, 'a', '', true, false, [], {}, [1, 2], [2, 1], [1, [2, { a: 1 }]], { a: 1, b: 2 }, { b: 2, a: 1 },
    { a: 1, b: undefined }, { a: 1 }, { a: [undefined] }, { a: [null] }, { a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } },
    { a: 1, f: () => 1 }, { toJSON: () => ({ z: 1 }) }, { z: 1 }, { a: '1' }, { a: 1, b: 2, c: 3 },
  ];
  it('for every pair of samples', () => {
    for (const a of samples) for (const b of samples) expect(jsonEqual(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(canonicalJson(a) === canonicalJson(b));
  });
});

describe('isPlainJson', () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;

  it('accepts what a JSON round trip gives back unchanged', () => {
    for (const value of [null, 'a', 0, 1.5, true, [], {}, [1, 'a', null], { a: { b: [1, { c: 'd' }] } }, Object.create(null)]) {
      expect(isPlainJson(value), JSON.stringify(value)).toBe(true);
    }
  });

  it('refuses what a round trip would change or drop', () => {
    const changed: [string, unknown][] = [
      ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY], ['undefined', undefined], ['function', () => 1],
      ['symbol', Symbol('s')], ['bigint', 10n], ['Date', new Date(0)], ['Map', new Map()], ['class instance', new Point()],
      ['undefined property', { a: undefined }], ['undefined in array', [undefined]], ['array hole', [1, , 3]],
      ['toJSON', { toJSON: () => 1 }], ['cycle', cyclic],
    ];
    for (const [name, value] of changed) expect(isPlainJson(value), name).toBe(false);
  });
});
