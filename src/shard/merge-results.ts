import type { CaseResult, CompareSettingsRecord, RunResults, RunTotals } from '../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/result.js';
import { parseShard, type ShardSpec } from './shard-spec.js';

/** A stable code for each reason `mergeResults` refuses. */
export type MergeErrorCode =
  | 'MERGE_NOTHING'
  | 'MERGE_MIXED_VERSIONS'
  | 'MERGE_DIFFERENT_RUNS'
  | 'MERGE_SHARD_LABELS'
  | 'MERGE_INCOMPLETE'
  | 'MERGE_DUPLICATE_CASE';

/** Why results files cannot be merged; the message names the files and says what to do. */
export class MergeError extends Error {
  override readonly name = 'MergeError';
  constructor(
    readonly code: MergeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One results file to merge. */
export interface MergeInput {
  /** The file, as messages should name it. */
  file: string;
  /** Its contents, already upgraded to the current format version. */
  results: RunResults;
  /** The format version the file was written in (before any upgrade). */
  writtenVersion: number;
}

export interface MergeOptions {
  /** Accept a set of shards with some missing; the merged results are then marked partial. */
  allowPartial?: boolean;
  /** Recomputes the totals from the merged cases (the run's own `totalsOf`). */
  totals: (cases: readonly CaseResult[]) => RunTotals;
  /** A run id for the merged results when the inputs do not share one. */
  newRunId: () => string;
}

export interface MergeOutcome {
  results: RunResults;
  /** Things the caller should tell the user: missing shards allowed through, an identity that could not be checked. */
  warnings: string[];
}

/**
 * Joins the results files of a sharded run into the results of one run, as if it had not been split. Refuses
 * (MergeError) files written in different format versions, files of different runs (their `runGroup`, `commit`
 * or `repeat` differ), a shard given twice or shards of different splits, an incomplete set of shards (unless
 * `allowPartial`), and a case key found in two files. Cases come out ordered by case file, like a run's; totals
 * are recomputed; `startedAt` is the earliest, `durationMs` the longest, `partial` set if any input was partial or
 * shards are missing; the `shard` label is dropped. Pure: reading and writing files is the caller's job.
 */
export function mergeResults(inputs: readonly MergeInput[], options: MergeOptions): MergeOutcome {
  if (inputs.length === 0) throw new MergeError('MERGE_NOTHING', 'no results files to merge; pass the shard files (or a glob such as "results-*.json")');
  const warnings: string[] = [];
  refuseDifferences(inputs, 'MERGE_MIXED_VERSIONS', (i) => i.writtenVersion, (groups) =>
    `the results files were written in different format versions (${groups}); the shards of one run are written by one rehearse release, so these come from different runs: re-run them with one release`);
  refuseDifferences(inputs, 'MERGE_DIFFERENT_RUNS', (i) => i.results.runGroup, (groups) =>
    `the results files come from different runs (runGroup ${groups}); merge only the shards of one run (set --run-group to the same value on every shard if they really belong together)`);
  refuseDifferences(inputs, 'MERGE_DIFFERENT_RUNS', (i) => i.results.commit, (groups) =>
    `the results files were run on different commits (${groups}); the shards of one run replay the same agent code: merge only the shards of one run`);
  refuseDifferences(inputs, 'MERGE_DIFFERENT_RUNS', (i) => i.results.repeat, (groups) =>
    `the results files were run with different --repeat (${groups}); the shards of one run share it: merge only the shards of one run`);
  refuseDifferences(inputs, 'MERGE_DIFFERENT_RUNS', (i) => compareSettingsLabel(i.results.compare), (groups) =>
    `the results files were written with different thresholds or significance (${groups}); the shards of one run share one config: merge only the shards of one run`);
  if (inputs.every((i) => i.results.runGroup === undefined && i.results.commit === undefined) && inputs.length > 1) {
    warnings.push('none of the results files records a run group or commit, so merge cannot check they come from one run; pass --run-group to "rehearse run"');
  }

  const ordered = orderByShard(inputs, options.allowPartial ?? false, warnings);
  const cases = joinCases(ordered.inputs);
  const first = ordered.inputs[0]!.results;
  const runIds = new Set(inputs.map((i) => i.results.runId));
  const results: RunResults = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    runId: runIds.size === 1 ? first.runId : options.newRunId(),
    startedAt: earliest(inputs.map((i) => i.results.startedAt)),
    durationMs: Math.max(...inputs.map((i) => i.results.durationMs)),
    repeat: first.repeat,
    cases,
    totals: options.totals(cases),
  };
  if (first.commit !== undefined) results.commit = first.commit;
  if (first.runGroup !== undefined) results.runGroup = first.runGroup;
  if (first.compare !== undefined) results.compare = first.compare;
  if (ordered.missing > 0 || inputs.some((i) => i.results.partial)) results.partial = true;
  return { results, warnings };
}

/** One comparable line for a file's recorded verdict settings; files that record none use the defaults. */
function compareSettingsLabel(settings: CompareSettingsRecord | undefined): string {
  const part = (value: number | undefined): string => (value === undefined ? 'default' : String(value));
  return `pass ${part(settings?.thresholds?.pass)}, fail ${part(settings?.thresholds?.fail)}, significance ${part(settings?.significance)}`;
}

/**
 * Throws when `valueOf` differs between inputs, listing each value with its files. A value missing in some files
 * and present in others counts as a difference: the files were not written by one run.
 */
function refuseDifferences(
  inputs: readonly MergeInput[],
  code: MergeErrorCode,
  valueOf: (input: MergeInput) => string | number | undefined,
  message: (groups: string) => string,
): void {
  const groups = new Map<string | number | undefined, string[]>();
  for (const input of inputs) {
    const value = valueOf(input);
    groups.set(value, [...(groups.get(value) ?? []), input.file]);
  }
  if (groups.size <= 1) return;
  const listed = [...groups].map(([value, files]) => `${value === undefined ? 'none' : JSON.stringify(value)} in ${files.join(', ')}`).join('; ');
  throw new MergeError(code, message(listed));
}

/** Checks the shard labels form one complete split and returns the inputs in shard order. */
function orderByShard(inputs: readonly MergeInput[], allowPartial: boolean, warnings: string[]): { inputs: MergeInput[]; missing: number } {
  const labelled = inputs.filter((i) => i.results.shard !== undefined);
  if (labelled.length === 0) return { inputs: [...inputs], missing: 0 };
  if (labelled.length !== inputs.length) {
    const unlabelled = inputs.filter((i) => i.results.shard === undefined).map((i) => i.file);
    throw new MergeError('MERGE_SHARD_LABELS', `${unlabelled.join(', ')} ${unlabelled.length === 1 ? 'is' : 'are'} not a shard (no "shard" field) but ${labelled.map((i) => i.file).join(', ')} ${labelled.length === 1 ? 'is' : 'are'}: merge either the shards of one run or whole runs, not both`);
  }
  const specs = new Map<MergeInput, ShardSpec>();
  for (const input of inputs) {
    try {
      specs.set(input, parseShard(input.results.shard!));
    } catch (error) {
      throw new MergeError('MERGE_SHARD_LABELS', `${input.file}: ${(error as Error).message}`);
    }
  }
  const counts = new Map<number, string[]>();
  for (const [input, spec] of specs) counts.set(spec.count, [...(counts.get(spec.count) ?? []), input.file]);
  if (counts.size > 1) {
    const listed = [...counts].map(([n, files]) => `${files.join(', ')} split into ${n}`).join('; ');
    throw new MergeError('MERGE_SHARD_LABELS', `the results files come from different splits (${listed}); merge the shards of one split`);
  }
  const count = [...counts.keys()][0]!;
  const byIndex = new Map<number, MergeInput>();
  for (const [input, spec] of specs) {
    const other = byIndex.get(spec.index);
    if (other) throw new MergeError('MERGE_SHARD_LABELS', `${other.file} and ${input.file} are both shard ${spec.index}/${count}; pass each shard once`);
    byIndex.set(spec.index, input);
  }
  const missing: number[] = [];
  for (let index = 1; index <= count; index++) if (!byIndex.has(index)) missing.push(index);
  if (missing.length > 0) {
    const text = `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).map((i) => `${i}/${count} in ${byIndex.get(i)!.file}`).join(', ')})`;
    if (!allowPartial) throw new MergeError('MERGE_INCOMPLETE', `${text}; pass every shard's results file, or --allow-partial to merge what there is (marked partial)`);
    warnings.push(`${text}; the merged results are marked partial`);
  }
  const sorted = [...specs].sort((a, b) => a[1].index - b[1].index).map(([input]) => input);
  return { inputs: sorted, missing: missing.length };
}

/** Every case of every input, refusing a key found in two files; ordered by case file like a run's results. */
function joinCases(inputs: readonly MergeInput[]): CaseResult[] {
  const owner = new Map<string, { input: MergeInput; result: CaseResult }>();
  const cases: CaseResult[] = [];
  for (const input of inputs) {
    const own = new Set<string>();
    for (const result of input.results.cases) {
      const seen = owner.get(result.key);
      if (seen && !own.has(result.key)) throw duplicate(result, input, seen);
      owner.set(result.key, { input, result });
      own.add(result.key);
      cases.push(result);
    }
  }
  // A stable sort: cases of one file (never more than one per file in a run) keep their order.
  return cases.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function duplicate(result: CaseResult, input: MergeInput, seen: { input: MergeInput; result: CaseResult }): MergeError {
  if (seen.result.file === result.file) {
    return new MergeError(
      'MERGE_DUPLICATE_CASE',
      `case "${result.key}" (${result.file}) is in both ${seen.input.file} and ${input.file}: the files overlap (the same shard twice, or shards of different runs); merge each shard of one run once`,
    );
  }
  return new MergeError(
    'MERGE_DUPLICATE_CASE',
    `case "${result.key}" is in both ${seen.input.file} (from ${seen.result.file}) and ${input.file} (from ${result.file}): two case files declare the same id, which the shards could not see; give one of them another id`,
  );
}

function earliest(times: readonly string[]): string {
  let best = times[0]!;
  for (const time of times) if (Date.parse(time) < Date.parse(best)) best = time;
  return best;
}
