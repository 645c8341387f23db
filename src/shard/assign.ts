import { isAbsolute, relative, sep } from 'node:path';
import { rendezvousShard, shardWeight, stableHash } from './hash.js';
import type { ShardSpec } from './shard-spec.js';

/** What `runSuite` needs to run one shard: which one, and optionally how long each case took last time. */
export interface ShardPlan extends ShardSpec {
  /** Milliseconds per case from an earlier run, keyed by `shardKeyOf`; balances the split by time. */
  durations?: ReadonlyMap<string, number>;
  /** Told when `durations` match none of the cases found (the split then falls back to the hash alone). */
  onWarning?: (message: string) => void;
}

/**
 * The key a case file is split by: its path relative to `base` (the config's folder), with forward slashes.
 * The path, not the case id, because the id is only known after reading the file, and every shard would
 * then have to read every case; the relative path is the same on every runner of a checkout. A file
 * outside `base` keeps its absolute path, which is only stable if every runner checks out to the same place.
 */
export function shardKeyOf(file: string, base: string): string {
  const prefix = base.endsWith(sep) ? base : base + sep;
  // The common case, a file under base, needs no path arithmetic (`relative` resolves both paths every call).
  const rel = file.startsWith(prefix) ? file.slice(prefix.length) : relative(base, file);
  const key = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  return sep === '/' ? key : key.split(sep).join('/');
}

/**
 * The shard (0-based) of each key, for `count` shards. Deterministic: the same keys, count and durations give
 * the same answer on every machine, so each shard's process computes the same split independently.
 *
 * - Without durations: rendezvous hashing of the key alone, so a case keeps its shard when others are added
 *   or removed.
 * - With durations: cases the durations know are packed greedily, longest first, onto the least loaded shard
 *   (ties: the shard the hash prefers), after the cases they do not know have been placed by hash, each
 *   counted at the median known duration. Balanced by time, but adding a known case may move others.
 */
export function assignShards(keys: readonly string[], count: number, durations?: ReadonlyMap<string, number>): number[] {
  const hashes = keys.map(stableHash);
  const shards = hashes.map((hash) => rendezvousShard(hash, count));
  if (!durations || durations.size === 0 || count === 1) return shards;
  // NaN marks a case the durations do not know.
  const ms = new Float64Array(keys.length);
  const known: number[] = [];
  keys.forEach((key, i) => {
    const value = durations.get(key);
    ms[i] = value !== undefined && Number.isFinite(value) && value >= 0 ? value : NaN;
    if (!Number.isNaN(ms[i])) known.push(i);
  });
  if (known.length === 0) return shards;

  const loads = new Array<number>(count).fill(0);
  const estimate = median(known.map((i) => ms[i]!));
  for (let i = 0; i < keys.length; i++) if (Number.isNaN(ms[i])) loads[shards[i]!]! += estimate;

  known.sort((a, b) => ms[b]! - ms[a]! || hashes[a]! - hashes[b]! || compareStrings(keys[a]!, keys[b]!));
  for (const i of known) {
    let best = 0;
    for (let shard = 1; shard < count; shard++) {
      const load = loads[shard]!;
      if (load < loads[best]! || (load === loads[best]! && shardWeight(hashes[i]!, shard) > shardWeight(hashes[i]!, best))) best = shard;
    }
    shards[i] = best;
    loads[best]! += ms[i]!;
  }
  return shards;
}

/**
 * The case files that belong to `plan`'s shard, in their given order. `base` is the folder keys are relative to
 * (see `shardKeyOf`).
 */
export function selectShard(files: readonly string[], plan: ShardPlan, base: string): string[] {
  const keys = files.map((file) => shardKeyOf(file, base));
  if (plan.durations && plan.durations.size > 0 && keys.length > 0 && !keys.some((key) => plan.durations!.has(key))) {
    plan.onWarning?.(`the shard durations match none of the ${keys.length} case files found (they are keyed by path relative to ${base}); splitting by hash alone`);
  }
  const shards = assignShards(keys, plan.count, plan.durations);
  return files.filter((_, i) => shards[i] === plan.index - 1);
}

function median(values: number[]): number {
  // A typed array sorts numerically without a JavaScript comparator: several times faster on a cold start.
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Code-unit order, not locale order: the same on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
