import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../model/result.js';
import { writeResults } from '../report/results-file.js';
import { parseCliArgs } from './args.js';
import { runGroupFor, shardPlanFor } from './shard-options.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearse-shard-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run flags for sharding', () => {
  test('--shard i/n, --shard-durations FILE, --run-group NAME', () => {
    expect(parseCliArgs(['run', '--shard', '2/4', '--shard-durations', 'last.json', '--run-group', 'nightly-12'])).toMatchObject({
      shard: { index: 2, count: 4 },
      shardDurations: 'last.json',
      runGroup: 'nightly-12',
    });
  });

  test.each([
    [['run', '--shard', '5/4'], '--shard 5/4: i must be between 1 and n (4); got 5'],
    [['run', '--shard', '0/4'], '--shard must look like i/n with whole numbers from 1 (for example 2/4); got "0/4"'],
    [['run', '--shard-durations', 'last.json'], '--shard-durations only balances a split: add --shard i/n'],
    [['run', '--shard', '1/2', '--save-baseline'], '--save-baseline with --shard would save one shard as the baseline; merge the shards, then save the merged file: rehearse merge results-*.json --out .rehearse/baseline.json'],
    [['run', '--run-group', ' '], '--run-group needs a name shared by every shard of the run (for example the CI run id)'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('runGroupFor', () => {
  test('--run-group, else the GitHub run id (not the attempt), else the commit', () => {
    const github = { GITHUB_RUN_ID: '991', GITHUB_RUN_ATTEMPT: '2' };
    expect(runGroupFor('mine', github, 'abc')).toBe('mine');
    expect(runGroupFor(undefined, github, 'abc')).toBe('github-run-991');
    expect(runGroupFor(undefined, {}, 'abc')).toBe('abc');
    expect(runGroupFor(undefined, {}, undefined)).toBeUndefined();
  });
});

describe('shardPlanFor', () => {
  test('without durations: the shard and the warning sink', () => {
    const plan = shardPlanFor({ index: 1, count: 2 }, undefined, { cwd: dir, configDir: dir }, () => {});
    expect(plan).toMatchObject({ index: 1, count: 2 });
    expect(plan.durations).toBeUndefined();
  });

  test('reads durations from a results file, keyed relative to the config folder even when run from elsewhere', () => {
    // The config sits in project/, the run happens in the folder above, so results name files project/suites/...
    mkdirSync(join(dir, 'project'), { recursive: true });
    const results = {
      format: 'rehearse.results',
      version: 1,
      runId: 'r',
      startedAt: '2026-11-27T10:00:00.000Z',
      durationMs: 1,
      repeat: 1,
      cases: [
        { key: 's/a', suite: 's', id: 'a', title: 'a', tags: [], file: 'project/suites/s/a.case.json', status: 'passed', passes: 1, attempts: [], durationMs: 900 },
        { key: 's/b', suite: 's', id: 'b', title: 'b', tags: [], file: 'project/suites/s/b.case.json', status: 'failed', passes: 0, attempts: [], durationMs: 40 },
      ],
      totals: { cases: 2, passed: 1, failed: 1, diverged: 0, errored: 0 },
    } satisfies RunResults;
    writeResults(join(dir, 'last.json'), results);
    const warnings: string[] = [];
    const plan = shardPlanFor({ index: 2, count: 3 }, 'last.json', { cwd: dir, configDir: join(dir, 'project') }, (m) => warnings.push(m));
    expect(plan.durations).toEqual(new Map([['suites/s/a.case.json', 900], ['suites/s/b.case.json', 40]]));
    plan.onWarning?.('none match');
    expect(warnings).toEqual(['last.json: none match']);
  });

  test('a missing durations file is a results-file error naming it', () => {
    expect(() => shardPlanFor({ index: 1, count: 2 }, 'nope.json', { cwd: dir, configDir: dir }, () => {})).toThrow(/nope\.json: cannot be read \(ENOENT\)/);
  });
});
