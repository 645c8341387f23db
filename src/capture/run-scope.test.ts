import { describe, expect, it } from 'vitest';
import { isoTimestamp } from './run-scope.js';

describe('isoTimestamp', () => {
  it('matches Date#toISOString for every millisecond, across seconds, backwards, and for fractions', () => {
    const base = Date.UTC(2024, 5, 11, 10, 30, 59, 0);
    const times: number[] = [];
    for (let ms = -1500; ms <= 1500; ms += 7) times.push(base + ms);
    times.push(base + 3, base - 86_400_000 + 5, base + 0.999, base + 999.5, base + 1000, base + 9, base + 10, base + 99, base + 100);
    for (const ms of times) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });

  it('stamps now by default', () => {
    const before = Date.now();
    const stamp = Date.parse(isoTimestamp());
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });
});
