import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCallEvent } from '../model/case.js';
import type { Json } from '../model/json.js';

/** The folder `cached` mode and the judge keep responses in, relative to the config file. */
export const DEFAULT_CACHE_DIR = '.rehearse/cache';

export const CACHE_ENTRY_FORMAT = 'rehearse.model-cache';

/** One cached model response: `<cacheDir>/<key[0..2]>/<key>.json`. */
export interface CacheEntry {
  format: typeof CACHE_ENTRY_FORMAT;
  version: 1;
  key: string;
  /** The seam's wire format (`openai.chat`, `anthropic.messages`, `ai-sdk`, …). */
  api: string;
  provider: string;
  model?: string;
  /** ISO 8601 time the response was stored; `rehearse cache prune` goes by it. */
  createdAt: string;
  /** The provider-neutral answer, for the timeline and cost accounting. */
  response: ModelCallEvent['response'];
  /** What the seam replays verbatim (a raw HTTP body, AI SDK parts). */
  payload: Json;
}

/**
 * A folder of cached model responses, one JSON file per request key. Files are written to a temporary
 * name and renamed, so parallel workers (and a cache restored by CI) never see half an entry.
 */
export class ModelCallCache {
  constructor(readonly dir: string) {}

  #path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The entry for a key, or undefined when there is none (or it is unreadable: then the call is made again). */
  async get(key: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      return entry.format === CACHE_ENTRY_FORMAT && entry.key === key ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async put(entry: CacheEntry): Promise<void> {
    const path = this.#path(entry.key);
    await mkdir(join(this.dir, entry.key.slice(0, 2)), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, JSON.stringify(entry) + '\n');
    await rename(temporary, path);
  }
}

/** What a prune removed and kept. */
export interface PruneOutcome {
  removed: number;
  kept: number;
  /** Files that are not readable cache entries (left in place). */
  skipped: number;
}

/**
 * Removes entries created before `cutoff` (by their `createdAt`). Leaves anything that is not a cache entry
 * alone: the folder may be shared with other tools.
 */
export async function pruneCache(dir: string, cutoff: Date): Promise<PruneOutcome> {
  const outcome: PruneOutcome = { removed: 0, kept: 0, skipped: 0 };
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch {
    return outcome;
  }
  for (const shard of shards) {
    let files: string[];
    try {
      files = await readdir(join(dir, shard));
    } catch {
      continue; // a file at the top level, not a shard folder
    }
    for (const file of files) {
      if (!file.endsWith('.json')) continue;
      const path = join(dir, shard, file);
      let created: number;
      try {
        const entry = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheEntry>;
        created = entry.format === CACHE_ENTRY_FORMAT && typeof entry.createdAt === 'string' ? Date.parse(entry.createdAt) : NaN;
      } catch {
        created = NaN;
      }
      if (Number.isNaN(created)) outcome.skipped++;
      else if (created < cutoff.getTime()) {
        await rm(path, { force: true });
        outcome.removed++;
      } else outcome.kept++;
    }
  }
  return outcome;
}
