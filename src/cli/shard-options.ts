import { resolve } from 'node:path';
import { readResults } from '../report/results-file.js';
import { shardKeyOf, type ShardPlan } from '../shard/assign.js';
import { durationsFromResults } from '../shard/durations.js';
import type { ShardSpec } from '../shard/shard-spec.js';

/**
 * The shard plan for `rehearse run --shard i/n [--shard-durations FILE]`. The durations file is a results file
 * of an earlier run from the same working directory: its case `file`s are relative to `cwd`, and are turned into
 * the keys the split uses (relative to the config's folder).
 */
export function shardPlanFor(
  shard: ShardSpec,
  durationsFile: string | undefined,
  paths: { cwd: string; configDir: string },
  onWarning: (message: string) => void,
): ShardPlan {
  if (durationsFile === undefined) return { ...shard, onWarning };
  const path = resolve(paths.cwd, durationsFile);
  const durations = durationsFromResults(readResults(path), (file) => shardKeyOf(resolve(paths.cwd, file), paths.configDir));
  return { ...shard, durations, onWarning: (message) => onWarning(`${durationsFile}: ${message}`) };
}

/**
 * The run group recorded in the results, shared by every shard of one run: `--run-group`, else the GitHub
 * Actions run id, else the commit. Not the run attempt: "Re-run failed jobs" re-runs only some shards, in a
 * new attempt, and their files must still merge with the other shards' files of the first attempt.
 */
export function runGroupFor(explicit: string | undefined, env: NodeJS.ProcessEnv, commit: string | undefined): string | undefined {
  if (explicit) return explicit;
  if (env['GITHUB_RUN_ID']) return `github-run-${env['GITHUB_RUN_ID']}`;
  return commit;
}
