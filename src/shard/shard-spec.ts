/** One shard of a split run: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  /** 1-based, as written on the command line (`--shard 2/4` → 2). */
  index: number;
  count: number;
}

const SHARD = /^([1-9][0-9]*)\/([1-9][0-9]*)$/;

/**
 * Parses `i/n` (1-based, `1 <= i <= n`), the form `--shard` takes and results files record. Throws an Error
 * whose message says what was expected; callers wrap it as a usage error.
 */
export function parseShard(text: string): ShardSpec {
  const match = SHARD.exec(text.trim());
  if (!match) throw new Error(`shard must look like i/n with whole numbers from 1 (for example 2/4); got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (index > count) throw new Error(`shard ${text}: i must be between 1 and n (${count}); got ${index}`);
  return { index, count };
}

/** The `i/n` label of a shard, as results files record it. */
export function formatShard(spec: ShardSpec): string {
  return `${spec.index}/${spec.count}`;
}
