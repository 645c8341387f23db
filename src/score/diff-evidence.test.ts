import { describe, expect, it } from 'vitest';
import { withDiff } from './diff-evidence.js';

describe('withDiff', () => {
  it('loads json-diff-ts on first use, then diffs synchronously', async () => {
    const first = withDiff((diff) => diff({ a: 1 }, { a: 2 }));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual([{ type: 'UPDATE', key: 'a', value: 2, oldValue: 1 }]);
    const second = withDiff((diff) => diff({ list: [1] }, { list: [1, 2], b: null }));
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toEqual([
      { type: 'UPDATE', key: 'list', embeddedKey: '$index', changes: [{ type: 'ADD', key: '1', value: 2 }] },
      { type: 'ADD', key: 'b', value: null },
    ]);
  });
});
