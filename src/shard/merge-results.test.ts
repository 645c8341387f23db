import { describe, expect, it } from 'vitest';
import type { AttemptStatus, CaseResult, RunResults } from '../model/result.js';
import { totalsOf } from '../run/totals.js';
import { MergeError, mergeResults, type MergeInput } from './merge-results.js';

function caseOf(key: string, status: AttemptStatus = 'passed', file = `suites/${key}.case.json`): CaseResult {
  const [suite = '', id = ''] = key.split('/');
  return {
    key,
    suite,
    id,
    title: id,
    tags: [],
    file,
    status,
    passes: status === 'passed' ? 1 : 0,
    attempts: [{ status, durationMs: 5, score: status === 'passed' ? 1 : 0, assertions: [], timeline: [], usage: { inputTokens: 10, outputTokens: 2 }, costUsd: 0.5 }],
    durationMs: 5,
  };
}

function shard(file: string, label: string | undefined, cases: CaseResult[], extra: Partial<RunResults> = {}, writtenVersion = 1): MergeInput {
  const results: RunResults = {
    format: 'rehearse.results',
    version: 1,
    runId: `run-of-${file}`,
    startedAt: '2026-11-27T10:00:00.000Z',
    durationMs: 100,
    repeat: 1,
    cases,
    totals: totalsOf(cases),
    commit: 'c0ffee',
    runGroup: 'github-run-7',
    ...(label !== undefined && { shard: label }),
    ...extra,
  };
  return { file, results, writtenVersion };
}

const options = { totals: totalsOf, newRunId: () => 'merged-run' };

function refusal(inputs: MergeInput[], allowPartial = false): MergeError {
  try {
    mergeResults(inputs, { ...options, allowPartial });
  } catch (error) {
    if (error instanceof MergeError) return error;
    throw error;
  }
  throw new Error('expected mergeResults to refuse');
}

describe('mergeResults', () => {
  it('joins shards into one run: cases ordered by file, totals recomputed, earliest start, longest duration, no shard label', () => {
    const one = shard('results-1.json', '1/3', [caseOf('shop/c'), caseOf('billing/a', 'failed')], { startedAt: '2026-11-27T10:00:05.000Z', durationMs: 300 });
    const two = shard('results-2.json', '2/3', [caseOf('shop/a', 'errored')], { startedAt: '2026-11-27T09:59:58.000Z', durationMs: 120 });
    const three = shard('results-3.json', '3/3', [caseOf('billing/b', 'diverged'), caseOf('shop/b')], { startedAt: '2026-11-27T10:00:01.000Z', durationMs: 250 });
    const { results, warnings } = mergeResults([three, one, two], options);
    expect(warnings).toEqual([]);
    expect(results.cases.map((c) => c.key)).toEqual(['billing/a', 'billing/b', 'shop/a', 'shop/b', 'shop/c']);
    expect(results.totals).toEqual({ cases: 5, passed: 2, failed: 1, diverged: 1, errored: 1, usage: { inputTokens: 50, outputTokens: 10 }, costUsd: 2.5 });
    expect(results).toMatchObject({ format: 'rehearse.results', version: 1, startedAt: '2026-11-27T09:59:58.000Z', durationMs: 300, repeat: 1, commit: 'c0ffee', runGroup: 'github-run-7' });
    expect(results.runId).toBe('merged-run');
    expect(results).not.toHaveProperty('shard');
    expect(results).not.toHaveProperty('partial');
  });

  it('keeps a run id the shards share, and keeps a single whole run as it was', () => {
    const a = shard('a.json', '1/2', [caseOf('s/a')], { runId: 'same' });
    const b = shard('b.json', '2/2', [caseOf('s/b')], { runId: 'same' });
    expect(mergeResults([a, b], options).results.runId).toBe('same');
    const whole = shard('whole.json', undefined, [caseOf('s/b'), caseOf('s/a')]);
    expect(mergeResults([whole], options).results.cases.map((c) => c.key)).toEqual(['s/a', 's/b']);
  });

  it('keeps duplicate-id cases inside one file (the run already marked them errored)', () => {
    const dup = { ...caseOf('s/a', 'errored', 'suites/s/copy.case.json') };
    const { results } = mergeResults([shard('a.json', '1/2', [caseOf('s/a'), dup]), shard('b.json', '2/2', [caseOf('s/b')])], options);
    expect(results.cases.map((c) => `${c.key} ${c.file}`)).toEqual(['s/a suites/s/a.case.json', 's/b suites/s/b.case.json', 's/a suites/s/copy.case.json']);
  });

  it('marks the result partial when a shard was', () => {
    const { results } = mergeResults([shard('a.json', '1/2', [caseOf('s/a')], { partial: true }), shard('b.json', '2/2', [caseOf('s/b')])], options);
    expect(results.partial).toBe(true);
  });

  it('refuses nothing to merge', () => {
    expect(refusal([]).code).toBe('MERGE_NOTHING');
  });

  it('refuses files written in different format versions, naming them', () => {
    const error = refusal([shard('a.json', '1/2', [caseOf('s/a')], {}, 0), shard('b.json', '2/2', [caseOf('s/b')], {}, 1)]);
    expect(error.code).toBe('MERGE_MIXED_VERSIONS');
    expect(error.message).toBe(
      'the results files were written in different format versions (0 in a.json; 1 in b.json); the shards of one run are written by one rehearse release, so these come from different runs: re-run them with one release',
    );
  });

  it('refuses shards of different runs: run group, commit, a group on one file only, repeat', () => {
    const other = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/2', [caseOf('s/b')], { runGroup: 'github-run-8' })]);
    expect(other.code).toBe('MERGE_DIFFERENT_RUNS');
    expect(other.message).toContain('the results files come from different runs (runGroup "github-run-7" in a.json; "github-run-8" in b.json)');

    const commits = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/2', [caseOf('s/b')], { commit: 'beef' })]);
    expect(commits.message).toContain('the results files were run on different commits ("c0ffee" in a.json; "beef" in b.json)');

    const missing = shard('b.json', '2/2', [caseOf('s/b')]);
    delete missing.results.runGroup;
    expect(refusal([shard('a.json', '1/2', [caseOf('s/a')]), missing]).message).toContain('(runGroup "github-run-7" in a.json; none in b.json)');

    const repeat = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/2', [caseOf('s/b')], { repeat: 3 })]);
    expect(repeat.message).toContain('different --repeat (1 in a.json; 3 in b.json)');

    const relaxed = { compare: { thresholds: { pass: 0.8, fail: 0.2 } } };
    const settings = refusal([shard('a.json', '1/2', [caseOf('s/a')], relaxed), shard('b.json', '2/2', [caseOf('s/b')])]);
    expect(settings.code).toBe('MERGE_DIFFERENT_RUNS');
    expect(settings.message).toContain('different thresholds or significance ("pass 0.8, fail 0.2, significance default" in a.json; "pass default, fail default, significance default" in b.json)');
  });

  it('keeps the verdict settings the shards recorded, so the merged file is judged as each shard was', () => {
    const relaxed = { compare: { thresholds: { pass: 0.8, fail: 0.2 }, significance: 0.01 } };
    const { results } = mergeResults([shard('a.json', '1/2', [caseOf('s/a')], relaxed), shard('b.json', '2/2', [caseOf('s/b')], relaxed)], options);
    expect(results.compare).toEqual(relaxed.compare);
    expect(mergeResults([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/2', [caseOf('s/b')])], options).results).not.toHaveProperty('compare');
  });

  it('warns when no file records a run group or commit', () => {
    const bare = (file: string, label: string, key: string): MergeInput => {
      const input = shard(file, label, [caseOf(key)]);
      delete input.results.runGroup;
      delete input.results.commit;
      return input;
    };
    expect(mergeResults([bare('a.json', '1/2', 's/a'), bare('b.json', '2/2', 's/b')], options).warnings).toEqual([
      'none of the results files records a run group or commit, so merge cannot check they come from one run; pass --run-group to "rehearse run"',
    ]);
  });

  it('refuses an incomplete set of shards, naming the missing ones and the files given', () => {
    const error = refusal([shard('r1.json', '1/4', [caseOf('s/a')]), shard('r3.json', '3/4', [caseOf('s/c')])]);
    expect(error.code).toBe('MERGE_INCOMPLETE');
    expect(error.message).toBe(
      'shards 2/4, 4/4 are missing (given: 1/4 in r1.json, 3/4 in r3.json); pass every shard\'s results file, or --allow-partial to merge what there is (marked partial)',
    );
  });

  it('with allowPartial merges an incomplete set, marked partial, with a warning', () => {
    const { results, warnings } = mergeResults([shard('r1.json', '1/3', [caseOf('s/a')]), shard('r2.json', '2/3', [caseOf('s/b')])], { ...options, allowPartial: true });
    expect(results.partial).toBe(true);
    expect(results.totals.cases).toBe(2);
    expect(warnings).toEqual(['shard 3/3 is missing (given: 1/3 in r1.json, 2/3 in r2.json); the merged results are marked partial']);
  });

  it('refuses a shard given twice, shards of different splits, a bad label, shards mixed with whole runs', () => {
    const twice = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('copy/a.json', '1/2', [caseOf('s/x')]), shard('b.json', '2/2', [caseOf('s/b')])]);
    expect(twice.code).toBe('MERGE_SHARD_LABELS');
    expect(twice.message).toBe('a.json and copy/a.json are both shard 1/2; pass each shard once');

    const splits = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/3', [caseOf('s/b')])]);
    expect(splits.message).toBe('the results files come from different splits (a.json split into 2; b.json split into 3); merge the shards of one split');

    expect(refusal([shard('a.json', '0/2', [caseOf('s/a')])]).message).toBe('a.json: shard must look like i/n with whole numbers from 1 (for example 2/4); got "0/2"');

    const mixed = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('whole.json', undefined, [caseOf('s/b')])]);
    expect(mixed.message).toBe('whole.json is not a shard (no "shard" field) but a.json is: merge either the shards of one run or whole runs, not both');
  });

  it('refuses a case found in two files, naming both files and saying why it happens', () => {
    const overlap = refusal([shard('a.json', undefined, [caseOf('s/a')]), shard('b.json', undefined, [caseOf('s/b'), caseOf('s/a')])]);
    expect(overlap.code).toBe('MERGE_DUPLICATE_CASE');
    expect(overlap.message).toBe(
      'case "s/a" (suites/s/a.case.json) is in both a.json and b.json: the files overlap (the same shard twice, or shards of different runs); merge each shard of one run once',
    );

    const sameId = refusal([shard('a.json', '1/2', [caseOf('s/a')]), shard('b.json', '2/2', [caseOf('s/a', 'passed', 'suites/s/a-copy.case.json')])]);
    expect(sameId.message).toBe(
      'case "s/a" is in both a.json (from suites/s/a.case.json) and b.json (from suites/s/a-copy.case.json): two case files declare the same id, which the shards could not see; give one of them another id',
    );
  });
});
