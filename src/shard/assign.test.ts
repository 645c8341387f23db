import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignShards, selectShard, shardKeyOf } from './assign.js';
import { rendezvousShard, stableHash } from './hash.js';

/** Paths shaped like a real suite: a few suites, ids with shared prefixes and numbers. */
function syntheticKeys(count: number, offset = 0): string[] {
  const suites = ['billing', 'search', 'shop/orders', 'support-chat', 'refunds'];
  return Array.from({ length: count }, (_, i) => `suites/${suites[(i + offset) % suites.length]}/case-${String(i + offset).padStart(4, '0')}.case.json`);
}

function sizes(shards: readonly number[], count: number): number[] {
  const out = new Array<number>(count).fill(0);
  for (const s of shards) out[s]!++;
  return out;
}

const BASE = '/repo';
const KEYS = syntheticKeys(500);
const FILES = KEYS.map((key) => join(BASE, key));

describe('the hash split', () => {
  it('puts every case in exactly one shard, for n = 1..7', () => {
    for (let n = 1; n <= 7; n++) {
      const seen = new Map<string, number>();
      for (let i = 1; i <= n; i++) {
        for (const file of selectShard(FILES, { index: i, count: n }, BASE)) {
          expect(seen.has(file), `${file} in shard ${seen.get(file)} and ${i} of ${n}`).toBe(false);
          seen.set(file, i);
        }
      }
      expect(seen.size, `n = ${n}`).toBe(FILES.length);
    }
  });

  it('keeps the given order within a shard', () => {
    const picked = selectShard(FILES, { index: 2, count: 3 }, BASE);
    expect(picked).toEqual(FILES.filter((f) => picked.includes(f)));
  });

  it('moves no case when cases are added or removed', () => {
    const more = [...KEYS, ...syntheticKeys(50, 10_000), 'suites/new/zzz.case.json'];
    const fewer = KEYS.filter((_, i) => i % 3 !== 0);
    for (let n = 2; n <= 7; n++) {
      const initial = assignShards(KEYS, n);
      const before = new Map(KEYS.map((key, i) => [key, initial[i]]));
      const after = assignShards(more, n);
      more.forEach((key, i) => before.has(key) && expect(after[i], `${key}, n = ${n}`).toBe(before.get(key)));
      const shrunk = assignShards(fewer, n);
      fewer.forEach((key, i) => expect(shrunk[i], `${key}, n = ${n}`).toBe(before.get(key)));
    }
  });

  it('going from n to n + 1 shards only moves cases into the new shard', () => {
    for (let n = 1; n <= 6; n++) {
      const from = assignShards(KEYS, n);
      const to = assignShards(KEYS, n + 1);
      const moved = KEYS.filter((_, i) => from[i] !== to[i]);
      expect(moved.every((key) => to[KEYS.indexOf(key)] === n)).toBe(true);
      // About 1/(n + 1) of the cases move.
      expect(moved.length / KEYS.length).toBeGreaterThan(0.5 / (n + 1));
      expect(moved.length / KEYS.length).toBeLessThan(1.5 / (n + 1));
    }
  });

  it('balances shard sizes: within 35% of the mean for 500 cases, 8% for 10,000', () => {
    const large = syntheticKeys(10_000);
    for (let n = 2; n <= 7; n++) {
      for (const [keys, bound] of [[KEYS, 0.35], [large, 0.08]] as const) {
        const mean = keys.length / n;
        const counts = sizes(assignShards(keys, n), n);
        for (const size of counts) expect(Math.abs(size - mean) / mean, `n = ${n}, ${keys.length} cases: ${counts.join(' ')}`).toBeLessThan(bound);
      }
    }
  });

  it('does not depend on the order the keys are given in', () => {
    const reversed = [...KEYS].reverse();
    const forward = assignShards(KEYS, 5);
    const backward = assignShards(reversed, 5);
    reversed.forEach((key, i) => expect(backward[i]).toBe(forward[KEYS.indexOf(key)]));
  });

  it('hashes the same forever: a change here would move cases between shards across releases', () => {
    expect([stableHash(''), stableHash('suites/shop/a.case.json'), stableHash('suites/shop/b.case.json')]).toEqual(PINNED_HASHES);
    expect(KEYS.slice(0, 12).map((key) => rendezvousShard(stableHash(key), 4))).toEqual(PINNED_SHARDS);
  });
});

describe('the duration-balanced split', () => {
  it('puts a heavy case alone in its shard', () => {
    const keys = syntheticKeys(21);
    const durations = new Map(keys.map((key, i) => [key, i === 7 ? 5_000 : 100]));
    for (let n = 2; n <= 4; n++) {
      const shards = assignShards(keys, n, durations);
      const heavyShard = shards[7]!;
      expect(shards.filter((s) => s === heavyShard), `n = ${n}`).toHaveLength(1);
      // The other cases spread over the other shards.
      expect(sizes(shards, n).filter((size) => size > 1)).toHaveLength(n - 1);
    }
  });

  it('evens out time better than the hash split when durations vary', () => {
    const keys = syntheticKeys(200);
    const ms = (i: number): number => ((i * 7919) % 97) ** 2 + 10; // 10 ms to ~9 s, spread unevenly
    const durations = new Map(keys.map((key, i) => [key, ms(i)]));
    const spread = (shards: number[]): number => {
      const loads = new Array<number>(4).fill(0);
      shards.forEach((s, i) => (loads[s]! += ms(i)));
      return Math.max(...loads) - Math.min(...loads);
    };
    const balanced = spread(assignShards(keys, 4, durations));
    expect(balanced).toBeLessThan(spread(assignShards(keys, 4)) / 5);
    expect(balanced).toBeLessThanOrEqual(Math.max(...keys.map((_, i) => ms(i))));
  });

  it('places cases the durations do not know by hash, and is deterministic whatever the order', () => {
    const keys = syntheticKeys(60);
    const durations = new Map(keys.slice(0, 40).map((key, i) => [key, 50 + (i % 5) * 20]));
    const shards = assignShards(keys, 3, durations);
    keys.slice(40).forEach((key, i) => expect(shards[40 + i]).toBe(rendezvousShard(stableHash(key), 3)));
    const reversed = [...keys].reverse();
    const again = assignShards(reversed, 3, durations);
    reversed.forEach((key, i) => expect(again[i]).toBe(shards[keys.indexOf(key)]));
    // Ties (many equal durations) are broken the same way every time.
    expect(assignShards(keys, 3, durations)).toEqual(shards);
  });

  it('still covers every case exactly once', () => {
    const durations = new Map(KEYS.map((key, i) => [key, (i % 13) * 10]));
    for (let n = 1; n <= 7; n++) {
      const picked = Array.from({ length: n }, (_, i) => selectShard(FILES, { index: i + 1, count: n, durations }, BASE)).flat();
      expect(picked.length).toBe(FILES.length);
      expect(new Set(picked).size).toBe(FILES.length);
    }
  });

  it('warns when the durations match none of the cases, then splits by hash', () => {
    const warnings: string[] = [];
    const durations = new Map([['elsewhere/x.case.json', 10]]);
    const picked = selectShard(FILES, { index: 1, count: 3, durations, onWarning: (m) => warnings.push(m) }, BASE);
    expect(picked).toEqual(selectShard(FILES, { index: 1, count: 3 }, BASE));
    expect(warnings).toEqual([`the shard durations match none of the 500 case files found (they are keyed by path relative to ${BASE}); splitting by hash alone`]);
  });
});

describe('shardKeyOf', () => {
  it('is the path relative to the base with forward slashes; a file outside keeps its absolute path', () => {
    expect(shardKeyOf(join(BASE, 'suites', 'shop', 'a.case.json'), BASE)).toBe('suites/shop/a.case.json');
    expect(shardKeyOf(join(BASE, 'suites', 'a.case.json'), `${BASE}/`)).toBe('suites/a.case.json');
    expect(shardKeyOf('/elsewhere/a.case.json', BASE)).toBe('/elsewhere/a.case.json');
  });
});

const PINNED_HASHES = [2872998923, 3131657147, 1742906827];
const PINNED_SHARDS = [3, 1, 1, 0, 2, 2, 3, 2, 0, 2, 1, 2];
