import { describe, expect, it } from 'vitest';
import { formatShard, parseShard } from './shard-spec.js';

describe('parseShard', () => {
  it('reads i/n, 1-based, and formats it back', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard('3/12')).toEqual({ index: 3, count: 12 });
    expect(parseShard(' 2/4 ')).toEqual({ index: 2, count: 4 });
    expect(formatShard(parseShard('7/9'))).toBe('7/9');
  });

  it.each(['0/4', '1/0', '2', '2/', '/4', '1.5/4', '-1/4', 'a/b', '1/4/2', '01/4'])('refuses %s, saying the form it wants', (text) => {
    expect(() => parseShard(text)).toThrow(`shard must look like i/n with whole numbers from 1 (for example 2/4); got "${text}"`);
  });

  it('refuses i greater than n', () => {
    expect(() => parseShard('5/4')).toThrow('shard 5/4: i must be between 1 and n (4); got 5');
  });
});
