/**
 * Hashing for the shard split. It must give the same answer on every machine and Node version, forever:
 * shards of one run are computed by separate processes on separate runners, and a case's shard should not
 * move between releases. So no `Math.random`, no engine-seeded hashes: FNV-1a over UTF-16 code units, with
 * murmur3's finalizer so that paths differing only in their last characters spread over all 32 bits.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Per-shard salts: the 32-bit golden ratio, so salt j is `j * φ` and no two shards share one. */
const GOLDEN = 0x9e3779b9;

/** A stable 32-bit hash of `text` (unsigned). */
export function stableHash(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return fmix32(h);
}

/**
 * Rendezvous (highest-random-weight) choice of a shard, 0-based, for a key whose `stableHash` is `hash`:
 * every shard draws a pseudo-random weight for the key and the highest wins. A key's shard depends only on the
 * key and `count`, so adding or removing other cases never moves it; and going from n to n + 1 shards moves only
 * the ~1/(n + 1) of keys the new shard wins. Ties (equal 32-bit weights) go to the lower shard.
 */
export function rendezvousShard(hash: number, count: number): number {
  let best = 0;
  let bestWeight = -1;
  for (let shard = 0; shard < count; shard++) {
    const weight = shardWeight(hash, shard);
    if (weight > bestWeight) {
      best = shard;
      bestWeight = weight;
    }
  }
  return best;
}

/** The weight shard `shard` (0-based) gives a key; higher wins. */
export function shardWeight(hash: number, shard: number): number {
  return fmix32((hash ^ Math.imul(shard + 1, GOLDEN)) >>> 0);
}

/** murmur3's 32-bit finalizer: a bijection in which every input bit flips about half of the output bits. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
