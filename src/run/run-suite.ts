import { randomUUID } from 'node:crypto';
import type { Comparison } from '../model/comparison.js';
import type { RehearseConfig } from '../model/config.js';
import type { Reporter } from '../model/reporter.js';
import type { CaseResult, RunResults, RunTotals } from '../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/result.js';
import { DEFAULT_CASE_PATTERNS, discoverCaseFiles, displayPath, suiteOf } from '../case/discover.js';
import { compareRuns } from '../compare/compare.js';
import { selectShard, type ShardPlan } from '../shard/assign.js';
import { formatShard } from '../shard/shard-spec.js';
import type { CaseFileRef, CaseSelection } from './protocol.js';
import { superviseWorkers } from './supervise.js';
import type { PrestartedWorker } from './case-worker.js';
import { totalsOf } from './totals.js';
import { StreamedResultsFile, type StreamedCase } from './streamed-results.js';
import { ResultRetention } from './retention.js';
import { modelCallHosts } from '../model-calls/provider-hosts.js';
import { modelCallJob } from '../model-calls/run-settings.js';
import type { ModelMode } from '../model/case.js';

export interface RunSuiteOptions {
  cwd: string;
  config: RehearseConfig;
  /** Absolute path of the agent module. */
  agentModule: string;
  /** Case files, folders or globs, relative to `cwd`; the config's `cases` (relative to `configDir`) when empty. */
  patterns?: string[];
  /** Folder of the config file: its `cases` globs are relative to it. @default cwd */
  configDir?: string;
  selection?: CaseSelection;
  /** Overrides every case's own repeat count. */
  repeat?: number;
  concurrency?: number;
  /** Results file to write; nothing is written when `false`. */
  out: string | false;
  /** Baseline results to compare against; each case's captured outcome when absent. */
  baseline?: RunResults;
  reporter?: Reporter;
  /** The worker bundle (beside the built CLI). */
  workerUrl: URL;
  /** Git commit of the agent code, recorded in the results. */
  commit?: string;
  /** Run only this shard of the case files (split by path relative to `configDir`); recorded as `shard: "i/n"`. */
  shard?: ShardPlan;
  /** Shared by every shard of one run, recorded as `runGroup` so `rehearse merge` can check its inputs belong together. */
  runGroup?: string;
  onWarning?: (message: string) => void;
  /** Fewest cases that justify a worker thread of their own (see `workers` in the config). @default 250 */
  minCasesPerWorker?: number;
  /** `--model`: how every case's model calls are answered, over the config and the cases' own `replay.model`. */
  model?: ModelMode;
  /** A case worker the caller started early (see PrestartedWorker); the run starts its own otherwise. */
  prestartedWorker?: PrestartedWorker;
}

export interface RunSuiteOutcome {
  /**
   * Every case, with its verdict in `comparison`; the same object `onRunEnd` gets. With `out`, plain passes and
   * the cases of a verdict beyond the first 1,000 by key are slim copies (see `RunEndInfo`, `slimResult`):
   * read the file at `out` for every case in full (e.g. to save a baseline or print the whole results).
   */
  results: RunResults;
  comparison: Comparison;
  /** The signal that stopped the run early; `results.partial` is then set. */
  interrupted?: NodeJS.Signals;
}

/** Finds the cases, replays them in a supervised worker, compares, and drives the reporter. */
export async function runSuite(options: RunSuiteOptions): Promise<RunSuiteOutcome> {
  const { cwd, config } = options;
  const startedAt = new Date();
  const started = performance.now();
  const fromCommandLine = options.patterns !== undefined && options.patterns.length > 0;
  const found = fromCommandLine
    ? await discoverCaseFiles(options.patterns!, cwd)
    : await discoverCaseFiles(config.cases ?? DEFAULT_CASE_PATTERNS, options.configDir ?? cwd);
  const picked = options.shard ? selectShard(found, options.shard, options.configDir ?? cwd) : found;
  const files: CaseFileRef[] = picked.map((path) => ({ path, display: displayPath(path, cwd), suite: suiteOf(path) }));
  const concurrency = options.concurrency ?? config.concurrency ?? 8;
  const repeat = options.repeat ?? config.repeat ?? 1;
  const reporter = options.reporter ?? {};
  const compareOptions = {
    ...(config.thresholds && { thresholds: config.thresholds }),
    ...(config.significance !== undefined && { significance: config.significance }),
  };
  // Recorded in the results, so `rehearse compare`, `report`, merges and the Action judge as this run does.
  const recordedCompare = compareOptions.thresholds || compareOptions.significance !== undefined ? { compare: compareOptions } : {};
  // Full results of plain passes are dropped as they finish (the results file has them): memory stays flat.
  const kept = new ResultRetention({ repeat, compare: compareOptions, keepAll: !options.out, ...(options.baseline && { baseline: options.baseline }) });

  const runId = randomUUID();
  // The results file is kept valid on disk while the run goes (see StreamedResultsFile), then replaced whole.
  const streamed = options.out
    ? new StreamedResultsFile(options.out, {
        format: RESULTS_FORMAT,
        version: RESULTS_VERSION,
        runId,
        startedAt: startedAt.toISOString(),
        repeat,
        ...recordedCompare,
        ...(options.commit && { commit: options.commit }),
        ...(options.shard && { shard: formatShard(options.shard) }),
        ...(options.runGroup && { runGroup: options.runGroup }),
      })
    : undefined;
  let unwritten: StreamedCase[] = [];
  const writeFinished = (): void => {
    streamed?.append(unwritten);
    unwritten = [];
  };
  const warn = options.onWarning ?? ((message: string) => void process.stderr.write(`rehearse: ${message}\n`));
  // Ctrl-C or a CI cancellation: stop the workers and still write what finished, marked partial.
  const stop = new AbortController();
  const interrupt = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143); // a second one means now
    warn(`${signal}: stopping; the results so far will be written and marked partial (again to quit at once)`);
    stop.abort(signal);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  let replayed = false;
  try {
    await superviseWorkers({
      signal: stop.signal,
      job: {
        cwd,
        agentModule: options.agentModule,
        agentExport: config.agent.export ?? 'default',
        files,
        timeoutMs: config.timeoutMs ?? 30_000,
        repeat,
        ...(options.repeat !== undefined && { forceRepeat: options.repeat }),
        ...(config.tools && { tools: config.tools }),
        // Model calls in live/cached mode and the judge go to their providers: let those hosts through.
        allowHosts: [...(config.allowHosts ?? []), ...modelCallHosts(options.model ?? config.model ?? 'recorded', config.judge?.baseUrl, config.judge?.provider)],
        ...modelCallJob(config, options.configDir ?? cwd, options.model),
        selection: options.selection ?? {},
      },
      concurrency,
      workers: config.workers ?? 1,
      ...(options.minCasesPerWorker !== undefined && { minCasesPerWorker: options.minCasesPerWorker }),
      workerUrl: options.workerUrl,
      ...(options.prestartedWorker && { prestarted: options.prestartedWorker }),
      hangMs: (config.timeoutMs ?? 30_000) + 2_000,
      onSelected: (indices) => reporter.onRunStart?.({ caseCount: indices.length, repeat, concurrency, cwd }),
      onResult: (index, result, text) => {
        // One write per burst of results: they arrive in batches from the worker.
        if (streamed && unwritten.push({ index, result, text }) === 1) setImmediate(writeFinished);
        const reported = reporter.onCaseResult?.(result);
        // The reporter keeps the full result; what the run keeps may be a slim copy (see ResultRetention).
        kept.add(index, result);
        return reported;
      },
      onWarning: warn,
    });
    replayed = true;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    writeFinished();
    // Nothing more will be written after a failure; otherwise `complete` closes the file once it is whole.
    if (!replayed) streamed?.close();
  }

  try {
    // File order, not completion order: results files diff cleanly between runs.
    const ordered = kept.inFileOrder();
    const cases = ordered.map((entry) => entry.result);
    // Texts that differ from what was streamed: the duplicates, marked errored below.
    const rewritten = new Map<number, string>();
    const firstByKey = new Map<string, CaseResult>();
    ordered.forEach(({ index, result }, position) => {
      const first = firstByKey.get(result.key);
      if (!first) return void firstByKey.set(result.key, result);
      // A slimmed duplicate is read back in full: it is errored now, and reports show errored cases in detail.
      const full = streamed && kept.isSlim(index) ? (JSON.parse(streamed.readCase(index)) as CaseResult) : result;
      markDuplicate(full, first);
      rewritten.set(index, JSON.stringify(full));
      kept.replace(index, full);
      cases[position] = full;
    });
    const results: RunResults = {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      runId,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      repeat,
      ...recordedCompare,
      cases,
      totals: totalsOf(cases),
    };
    if (stop.signal.aborted) results.partial = true;
    if (options.commit) results.commit = options.commit;
    if (options.shard) results.shard = formatShard(options.shard);
    if (options.runGroup) results.runGroup = options.runGroup;
    const comparison = compareRuns(results, options.baseline, compareOptions);
    if (streamed) {
      const { cases: _cases, ...envelope } = results;
      streamed.complete(envelope, rewritten);
    }
    await reporter.onRunEnd?.({ results, comparison, ...(options.out && { resultsPath: options.out }) });
    return { results, comparison, ...(stop.signal.aborted && { interrupted: stop.signal.reason as NodeJS.Signals }) };
  } finally {
    streamed?.close();
  }
}

/** Two files that declare the same `suite/id` would make comparisons ambiguous: every one after the first is errored. */
function markDuplicate(result: CaseResult, first: CaseResult): void {
  result.status = 'errored';
  result.passes = 0;
  result.error = { code: 'CASE_DUPLICATE', file: result.file, pointer: '/id', message: `case id "${result.id}" is already used by ${first.file} in suite "${result.suite}"; ids must be unique within a suite` };
}
