import { describe, expect, it } from 'vitest';
import { toJsonValue } from './json-value.js';

describe('toJsonValue', () => {
  it('snapshots plain data deeply, so later mutation by the agent does not change the recording', () => {
    const args = { messages: [{ role: 'user', content: 'hi' }], options: { n: 1 } };
    const snapshot = toJsonValue(args);
    args.messages.push({ role: 'assistant', content: 'later' });
    args.messages[0]!.content = 'changed';
    args.options.n = 2;
    expect(snapshot).toEqual({ messages: [{ role: 'user', content: 'hi' }], options: { n: 1 } });
  });

  it('gives JSON.stringify round-trip results for primitives inside plain data', () => {
    const value = { a: undefined, b: [undefined, () => 1, Number.NaN, Infinity, 2], c: 10n, d: Symbol('s'), e: null, f: true };
    expect(toJsonValue(value)).toEqual({ b: [null, null, null, null, 2], c: '10', e: null, f: true });
    expect(toJsonValue([1, , 3])).toEqual([1, null, 3]); // eslint-disable-line no-sparse-arrays
  });

  it('takes the careful path for anything that is not plain JSON, at any depth', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const withGetter = {
      get boom(): string {
        throw new Error('getter failed');
      },
    };
    const value = {
      when: new Date('2024-06-11T10:30:00.000Z'),
      map: new Map([['k', 1]]),
      set: new Set(['x']),
      error: new TypeError('bad'),
      custom: { toJSON: () => ({ custom: true }) },
      nested: [{ cyclic }],
      withGetter,
    };
    const out = toJsonValue(value) as Record<string, unknown>;
    expect(out['when']).toBe('2024-06-11T10:30:00.000Z');
    expect(out['map']).toEqual({ k: 1 });
    expect(out['set']).toEqual(['x']);
    expect(out['error']).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(out['custom']).toEqual({ custom: true });
    expect(out['nested']).toEqual([{ cyclic: { name: 'loop', self: '[Circular]' } }]);
    expect(out['withGetter']).toBe('[Unserializable]');
  });

  it('keeps a null-prototype object and copies it', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const out = toJsonValue({ bare });
    expect(out).toEqual({ bare: { a: 1 } });
    expect((out as Record<string, unknown>)['bare']).not.toBe(bare);
  });
});
