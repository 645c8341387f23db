import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { RunResults } from '../model/result.js';
import { displayPath } from '../case/discover.js';
import { readResultsFile } from '../report/results-file.js';
import { totalsOf } from '../run/totals.js';
import { mergeResults, type MergeInput } from '../shard/merge-results.js';
import type { ShardSpec } from '../shard/shard-spec.js';
import { GLOB_CHARS } from './inputs.js';

/** Which side of the comparison a shard's results file holds. */
export type ShardSide = 'head' | 'base';

/** `head-2.json`: the name a shard's results file gets, and how `mode: report` tells the sides apart. */
export function shardFileName(side: ShardSide, shard: ShardSpec): string {
  return `${side}-${shard.index}.json`;
}

const SHARD_FILE = /^(head|base)-[1-9][0-9]*\.json$/;

/** The shard results files found, per side, as absolute paths in a stable order. */
export interface ShardFiles {
  head: string[];
  base: string[];
}

/**
 * Finds the shards' results files for `mode: report`. `results` is a folder (searched at any depth, as
 * download-artifact may nest one folder per artifact) or a glob, relative to `cwd`; only files named like
 * `head-<i>.json` / `base-<i>.json` count. Throws, saying what to check, when no head file is found.
 */
export async function findShardFiles(results: string, cwd: string): Promise<ShardFiles> {
  const absolute = resolve(cwd, results);
  let matches: string[];
  if (GLOB_CHARS.test(results)) {
    const { globby } = await import('globby');
    matches = await globby(results.replace(/\\/g, '/'), { cwd, absolute: true });
  } else if (existsSync(absolute) && statSync(absolute).isDirectory()) {
    const { globby } = await import('globby');
    matches = await globby('**/*.json', { cwd: absolute, absolute: true });
  } else {
    throw new Error(
      `results: ${absolute} is not a folder; mode: report reads the shards' results files from it. Download them there first ` +
        '(actions/download-artifact with pattern and merge-multiple: true), or set results to the folder or glob they are in',
    );
  }
  matches.sort();
  const files = matches.map((m) => resolve(m)).filter((m) => SHARD_FILE.test(basename(m))).sort();
  const found: ShardFiles = { head: files.filter((f) => basename(f).startsWith('head-')), base: files.filter((f) => basename(f).startsWith('base-')) };
  if (found.head.length === 0) {
    const seen = matches.length === 0 ? 'no files' : `only ${matches.slice(0, 5).map((m) => relative(cwd, m)).join(', ')}${matches.length > 5 ? ', …' : ''}`;
    throw new Error(
      `results: no shard results files (head-<i>.json) in ${results} (found ${seen}); each matrix job (mode: run with shard: i/n) writes them ` +
        'into its results folder: upload that folder as an artifact and download every shard\'s artifact into this one before mode: report',
    );
  }
  return found;
}

/**
 * Merges one side's shard files with the code `rehearse merge` uses (same refusals: mixed versions, other runs,
 * a shard twice or missing, a case in two files). Files are named relative to `cwd` in messages.
 * Throws `MergeError` (from src/shard/merge-results.ts) or `ResultsFileError`.
 */
export function mergeShardFiles(files: readonly string[], cwd: string): { results: RunResults; warnings: string[] } {
  const inputs: MergeInput[] = files.map((path) => {
    const file = displayPath(path, cwd);
    return { file, ...readResultsFile(path, { file, invalidJsonHint: 'was the artifact uploaded whole?' }) };
  });
  return mergeResults(inputs, { totals: totalsOf, newRunId: randomUUID });
}
