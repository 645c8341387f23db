import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESULTS_FORMAT, RESULTS_VERSION, type AttemptResult, type CaseResult, type RunResults } from '../model/result.js';
import { totalsOf } from '../run/totals.js';
import { MergeError } from '../shard/merge-results.js';
import { findShardFiles, mergeShardFiles, shardFileName } from './shard-files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-shard-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function attempt(status: AttemptResult['status'], extra: Partial<AttemptResult> = {}): AttemptResult {
  return { status, durationMs: 3, score: status === 'passed' ? 1 : 0, assertions: [], timeline: [], ...extra };
}

function caseResult(id: string, status: CaseResult['status'], attempts: AttemptResult[] = [attempt(status)]): CaseResult {
  return { key: `demo/${id}`, suite: 'demo', id, title: id, tags: [], file: `suites/demo/${id}.case.json`, status, passes: status === 'passed' ? 1 : 0, attempts, durationMs: 3 };
}

function results(shard: string | undefined, cases: CaseResult[]): RunResults {
  const r: RunResults = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    runId: `run-${shard ?? 'whole'}`,
    startedAt: '2026-11-27T02:00:00.000Z',
    durationMs: 10,
    repeat: 1,
    commit: 'a'.repeat(40),
    runGroup: 'github-run-1',
    cases,
    totals: totalsOf(cases),
  };
  if (shard) r.shard = shard;
  return r;
}

function write(path: string, doc: unknown): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('shardFileName', () => {
  it('names each side of a shard', () => {
    expect(shardFileName('head', { index: 3, count: 4 })).toBe('head-3.json');
    expect(shardFileName('base', { index: 1, count: 2 })).toBe('base-1.json');
  });
});

describe('findShardFiles', () => {
  it('finds head and base files at any depth of a folder, ignoring other JSON', async () => {
    const h2 = write(join(dir, 'results', 'rehearse-results-2', 'head-2.json'), {});
    const h1 = write(join(dir, 'results', 'head-1.json'), {});
    const b1 = write(join(dir, 'results', 'base-1.json'), {});
    write(join(dir, 'results', 'rehearse-comment.json'), {});
    write(join(dir, 'results', 'head-x.json'), {});
    expect(await findShardFiles('results', dir)).toEqual({ head: [h1, h2].sort(), base: [b1] });
    expect(await findShardFiles('results/', dir)).toEqual({ head: [h1, h2].sort(), base: [b1] });
  });

  it('takes a glob too', async () => {
    const h1 = write(join(dir, 'a', 'head-1.json'), {});
    write(join(dir, 'b', 'head-2.json'), {});
    expect(await findShardFiles('a/*.json', dir)).toEqual({ head: [h1], base: [] });
  });

  it('says where it looked and what to do when the folder does not exist', async () => {
    await expect(findShardFiles('rehearse-results/', dir)).rejects.toThrow(
      `results: ${join(dir, 'rehearse-results')} is not a folder; mode: report reads the shards' results files from it. Download them there first`,
    );
  });

  it('says what it found instead when there is no head file', async () => {
    write(join(dir, 'results', 'results-1.json'), {});
    write(join(dir, 'results', 'base-1.json'), {});
    await expect(findShardFiles('results', dir)).rejects.toThrow(
      /^results: no shard results files \(head-<i>\.json\) in results \(found only results\/base-1\.json, results\/results-1\.json\); each matrix job \(mode: run with shard: i\/n\) writes them/,
    );
    await expect(findShardFiles('nothing-*/x.json', dir)).rejects.toThrow('(found no files)');
  });
});

describe('mergeShardFiles', () => {
  it('merges the shards of one run, with the totals of the whole', () => {
    const a = write(join(dir, 'r', 'head-1.json'), results('1/2', [caseResult('b', 'failed'), caseResult('d', 'passed')]));
    const b = write(join(dir, 'r', 'head-2.json'), results('2/2', [caseResult('a', 'passed'), caseResult('c', 'errored')]));
    const { results: merged, warnings } = mergeShardFiles([a, b], dir);
    expect(warnings).toEqual([]);
    expect(merged.cases.map((c) => c.key)).toEqual(['demo/a', 'demo/b', 'demo/c', 'demo/d']);
    expect(merged.totals).toEqual({ cases: 4, passed: 2, failed: 1, diverged: 0, errored: 1 });
    expect(merged.shard).toBeUndefined();
  });

  it('refuses a missing shard, naming the file given', () => {
    const a = write(join(dir, 'r', 'head-1.json'), results('1/3', [caseResult('a', 'passed')]));
    const c = write(join(dir, 'r', 'head-3.json'), results('3/3', [caseResult('c', 'passed')]));
    expect(() => mergeShardFiles([a, c], dir)).toThrow(MergeError);
    expect(() => mergeShardFiles([a, c], dir)).toThrow('shard 2/3 is missing (given: 1/3 in r/head-1.json, 3/3 in r/head-3.json)');
  });

  it('names an unreadable file and asks whether the artifact was whole', () => {
    const a = join(dir, 'head-1.json');
    writeFileSync(a, '{"format": "rehearse.res');
    expect(() => mergeShardFiles([a], dir)).toThrow(/^head-1\.json: is not valid JSON \(.*\); was the artifact uploaded whole\?$/);
  });
});
