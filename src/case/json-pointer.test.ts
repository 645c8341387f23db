import { describe, expect, test } from 'vitest';
import { escapePointerToken, getAtPointer, omitPointers, parsePointer, toPointer } from './json-pointer.js';

describe('JSON pointers (RFC 6901)', () => {
  test('escapes ~ before / so the two cannot be confused', () => {
    expect(escapePointerToken('a/b')).toBe('a~1b');
    expect(escapePointerToken('m~n')).toBe('m~0n');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(escapePointerToken(3)).toBe('3');
  });

  test('builds and parses pointers as inverses', () => {
    const tokens = ['timeline', '3', 'a/b', 'm~n', '', '~1'];
    const pointer = toPointer(tokens);
    expect(pointer).toBe('/timeline/3/a~1b/m~0n//~01');
    expect(parsePointer(pointer)).toEqual(tokens);
    expect(toPointer(['timeline', 3, 'args'])).toBe('/timeline/3/args');
  });

  test('the empty pointer names the whole document; anything else must start with /', () => {
    expect(parsePointer('')).toEqual([]);
    expect(() => parsePointer('timeline/0')).toThrow(/must start with "\/"/);
  });

  test('gets values in objects and arrays, undefined when any step is missing', () => {
    const doc = { a: { 'b/c': [10, { d: null }] }, '': 'empty key', 'm~n': 1 };
    expect(getAtPointer(doc, '')).toBe(doc);
    expect(getAtPointer(doc, '/a/b~1c/0')).toBe(10);
    expect(getAtPointer(doc, '/a/b~1c/1/d')).toBeNull();
    expect(getAtPointer(doc, '/')).toBe('empty key');
    expect(getAtPointer(doc, '/m~0n')).toBe(1);
    expect(getAtPointer(doc, '/a/missing')).toBeUndefined();
    expect(getAtPointer(doc, '/a/b~1c/2')).toBeUndefined();
    expect(getAtPointer(doc, '/a/b~1c/01')).toBeUndefined(); // leading zeros are not array indices
    expect(getAtPointer(doc, '/a/b~1c/-')).toBeUndefined();
    expect(getAtPointer(doc, '/a/b~1c/0/deeper')).toBeUndefined();
    expect(getAtPointer({}, '/toString')).toBeUndefined(); // own properties only
  });

  test('omits what the pointers name from a copy, never touching the input', () => {
    const args = { orderId: 'A-1', requestedAt: '2025-01-01T00:00:00Z', meta: { trace: 'x', keep: 1 }, list: ['a', 'b', 'c'] };
    const before = structuredClone(args);
    const out = omitPointers(args, ['/requestedAt', '/meta/trace', '/list/1']);
    expect(out).toEqual({ orderId: 'A-1', meta: { keep: 1 }, list: ['a', 'c'] });
    expect(args).toEqual(before);
  });

  test('several slots of one array name the original positions, whatever order they are listed in', () => {
    expect(omitPointers({ list: ['a', 'b', 'c'] }, ['/list/0', '/list/1'])).toEqual({ list: ['c'] });
    expect(omitPointers({ list: ['a', 'b', 'c'] }, ['/list/2', '/list/0', '/list/0'])).toEqual({ list: ['b'] });
    expect(omitPointers({ list: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }, ['/list/0', '/list/1/x'])).toEqual({ list: [{ y: 2 }] });
  });

  test('ignores pointers that do not exist, so one list can serve differently shaped calls', () => {
    expect(omitPointers({ a: 1 }, ['/b', '/a/c', '/x/y/z'])).toEqual({ a: 1 });
    expect(omitPointers([1, 2], ['/5', '/-1'])).toEqual([1, 2]);
    expect(omitPointers('scalar', ['/a'])).toBe('scalar');
  });

  test('omitting with no pointers returns the same value; the empty pointer removes everything', () => {
    const value = { a: 1 };
    expect(omitPointers(value, [])).toBe(value);
    expect(omitPointers(value, [''])).toBeUndefined();
  });
});
