import type { Json, JsonObject } from '../model/json.js';
import type { ModelCallEvent, RecordedError, TimelineEvent, ToolCallEvent } from '../model/case.js';
import type { RunAgentInfo, RunArtifact, RunFailure } from '../model/run-artifact.js';
import { currentInterceptor, runWithInterceptor } from '../replay/scope.js';
import { toJsonValue, toRecordedError } from './json-value.js';
import { REDACTION_ERROR_NAME } from './file-jobs.js';
import type { RedactOptions } from './redact.js';
import { redactRun } from './redact-run.js';
import { CaptureScope, isCaptureScope, isoTimestamp, roundMs } from './run-scope.js';
import { redactsItself, toSinks, WRITE_UNREDACTED, type RunSink, type RunSinkLike, type SelfRedactingSink } from './sinks.js';

/** The `format` tag of a run artifact. */
export const RUN_FORMAT = 'rehearse.run';
/** The run format version this release writes. */
export const RUN_VERSION = 1;

/** Where a capture problem happened: building the artifact, redacting it, or handing it to a sink. */
export type CaptureErrorStage = 'record' | 'redact' | 'sink';

/** Context passed to `onError`. */
export interface CaptureErrorContext {
  stage: CaptureErrorStage;
  runId: string;
  /** The sink's name, for `sink` errors. */
  sink?: string;
}

export interface RecorderOptions {
  /** Where runs go. A function is a sink. @default directorySink('.rehearse/runs') */
  sink?: RunSinkLike | RunSinkLike[];
  /**
   * What produced the runs. `commit` defaults to the first of REHEARSE_COMMIT, GIT_SHA, GITHUB_SHA,
   * VERCEL_GIT_COMMIT_SHA, CI_COMMIT_SHA, SOURCE_VERSION; `version` to REHEARSE_AGENT_VERSION or npm_package_version.
   */
  agent?: RunAgentInfo;
  /** Environment name. @default REHEARSE_ENV, VERCEL_ENV or NODE_ENV */
  environment?: string;
  /** Attached to every run (a per-run `metadata` wins key by key). */
  metadata?: JsonObject;
  /** Redaction applied before anything is written; `false` turns it off (tests only). @default {} (built-in rules) */
  redact?: RedactOptions | false;
  /**
   * Decides whether a returned output was wrong, making the run `failed`: return `true` for failed, or a
   * failure summary. Runs after the agent returned, off the caller's path; a throw is reported, not raised.
   */
  judge?: (output: unknown) => boolean | string | { summary: string; atStep?: number } | undefined;
  /**
   * Called when capturing a run fails (never the agent itself). Capture problems never reach the agent's caller.
   * @default warns once on the console, then stays quiet
   */
  onError?: (error: Error, context: CaptureErrorContext) => void;
  /** `false` records nothing and adds no overhead. @default true, unless REHEARSE_CAPTURE is `0`, `off` or `false` */
  enabled?: boolean;
  /**
   * Which runs reach the sinks. `'failed'` keeps the runs that threw or were marked failed (by `judge` or
   * `currentRun().fail`): the ones `rehearse promote` turns into cases. A function decides per run, to keep
   * a sample of the others too: `(run) => run.status !== 'ok' || Math.random() < 0.01`. Every run is
   * recorded either way (whether it failed is known only at its end); a run that is not kept is neither
   * serialized, redacted nor written, which is most of what capturing it costs. A `keep` that throws keeps the run.
   * @default 'all'
   */
  keep?: 'all' | 'failed' | ((run: KeepContext) => boolean);
}

/** What `keep` decides on: how the run ended, before anything of it is serialized or redacted. */
export interface KeepContext {
  readonly runId: string;
  readonly status: RunArtifact['status'];
  readonly durationMs: number;
  /** Why the run was marked failed, when it was. */
  readonly failure?: RunFailure | undefined;
  /** The thrown error's name, when the run threw. */
  readonly errorName?: string | undefined;
}

/** Per-run extras for `record` and `start`. */
export interface RunExtras {
  /** Use this id instead of a new UUID (e.g. your request id). */
  runId?: string;
  metadata?: JsonObject;
}

/** One run being recorded by hand (see `Recorder.start`). */
export interface ActiveRun {
  readonly runId: string;
  /** Runs `fn` inside this run, so recordable tools and model-call helpers called from it land in its timeline. */
  within<T>(fn: () => T): T;
  /** Appends a finished tool call that did not go through `recordable`. */
  recordToolCall(event: Omit<ToolCallEvent, 'type'>): void;
  /** Appends a finished model call. */
  recordModelCall(event: Omit<ModelCallEvent, 'type'>): void;
  /** Marks the run as answered wrongly; `atStep` defaults to the last step so far. */
  fail(summary: string, atStep?: number): void;
  /** Adds metadata to this run. */
  annotate(metadata: JsonObject): void;
  /**
   * Finishes the run: its artifact is redacted and written in the background; the promise resolves when every
   * sink is done with it (a failure goes to `onError`, never to this promise). Ending a run twice does nothing.
   */
  end(outcome: { output?: unknown } | { error: unknown }): Promise<void>;
}

export interface Recorder {
  /**
   * Runs `fn` as one captured run with `input` as its input. Returns exactly what `fn` returns (or throws
   * what it throws); the run is written in the background. Inside a rehearse replay, it just calls `fn`.
   */
  record<T>(input: unknown, fn: () => T, extras?: RunExtras): T;
  /** Starts a run to drive by hand: `within(fn)` to run code in it, `end(...)` to finish it. */
  start(input: unknown, extras?: RunExtras): ActiveRun;
  /** Resolves when every run finished so far has been written (or its failure reported). Call before exiting. */
  flush(): Promise<void>;
}

/**
 * Creates a recorder: the engine behind `capture()`, for code that cannot be wrapped as one function
 * (a request handler that streams, a job with several entry points).
 *
 * @example
 * const recorder = createRecorder({ agent: { name: 'support-bot' } });
 * const answer = await recorder.record(request.body, () => agent(request.body));
 */
export function createRecorder(options: RecorderOptions = {}): Recorder {
  const enabled = options.enabled ?? !/^(0|off|false|no)$/i.test(process.env['REHEARSE_CAPTURE'] ?? '');
  const sinks = toSinks(options.sink);
  const agent = agentInfo(options.agent);
  const environment = options.environment ?? env('REHEARSE_ENV', 'VERCEL_ENV', 'NODE_ENV');
  const redaction = options.redact === false ? undefined : (options.redact ?? {});
  /*
   * The built-in sinks redact on their writer thread, off the agent's; other sinks get runs redacted here. Redaction options travel to that thread by structured clone: options that cannot (a rule carrying
   * a function) are applied here for every sink instead.
   */
  const redactsOffThread = redaction !== undefined && canClone(redaction);
  const selfRedacting: SelfRedactingSink[] = redactsOffThread ? sinks.filter(redactsItself) : [];
  const redactedHere: RunSink[] = redactsOffThread ? sinks.filter((sink) => !redactsItself(sink)) : sinks;
  /** Runs ended and not yet done with by every sink; `flush()` waits for this to reach zero. */
  let unsettled = 0;
  const idleWaiters: (() => void)[] = [];
  /** While a `flush()` waits, sinks that batch writes are told to send each run at once. */
  let flushing = 0;
  const flushSinks = (): void => {
    for (const sink of sinks) sink.flush?.().catch(() => {}); // write errors reach onError through write()
  };
  let warned = false;
  const report = (error: unknown, context: CaptureErrorContext): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    try {
      if (options.onError) return options.onError(err, context);
      if (warned) return;
      warned = true;
      const where = context.sink ? ` to ${context.sink}` : '';
      console.warn(
        `rehearse capture: could not ${context.stage === 'sink' ? 'write' : context.stage} run ${context.runId}${where}: ${err.message}. ` +
          'The agent call was not affected. Further capture errors are not shown; pass onError to see them.',
      );
    } catch {
      // An onError that throws must not turn a capture problem into an agent failure.
    }
  };

  /*
   * Finishing (judging, redaction, handing to sinks) happens off the caller's path, after the current
   * macrotask: runs that end close together are finished in one turn, for one scheduled callback in all.
   */
  let finishing: Finishing[] = [];
  const finishAll = (): void => {
    const batch = finishing;
    finishing = [];
    for (const item of batch) finish(item);
  };
  const finishLater = (item: Finishing): void => {
    unsettled++;
    if (finishing.push(item) === 1) setImmediate(finishAll);
  };
  const settled = (item: Finishing): void => {
    item.resolve?.();
    if (--unsettled === 0) for (const wake of idleWaiters.splice(0)) wake();
  };

  const keep = options.keep ?? 'all';
  /** Whether a finished run goes to the sinks (see `RecorderOptions.keep`). */
  function kept(scope: CaptureScope, status: RunArtifact['status'], item: Finishing): boolean {
    if (keep === 'all') return true;
    if (keep === 'failed') return status !== 'ok';
    try {
      return keep({ runId: scope.runId, status, durationMs: item.durationMs, failure: scope.failure, errorName: item.error?.name }) !== false;
    } catch (error) {
      report(error, { stage: 'record', runId: scope.runId });
      return true;
    }
  }

  function finish(item: Finishing): void {
    const { run, durationMs } = item;
    const { scope } = run;
    let status: RunArtifact['status'] = item.error ? 'errored' : 'ok';
    try {
      if (status === 'ok' && options.judge) applyJudge(item.timeline.length, scope, options.judge(item.rawOutput));
    } catch (error) {
      report(error, { stage: 'record', runId: scope.runId });
    }
    if (scope.failure && status === 'ok') status = 'failed';
    if (!kept(scope, status, item)) return settled(item);
    const artifact: RunArtifact = {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      runId: scope.runId,
      agent,
      ...(environment !== undefined && { environment }),
      startedAt: isoTimestamp(run.startedAtMs),
      endedAt: isoTimestamp(run.startedAtMs + durationMs),
      durationMs,
      input: run.input,
      timeline: item.timeline,
      status,
    };
    if (item.error) artifact.error = item.error;
    else if (item.output !== undefined) artifact.output = item.output;
    if (status === 'failed') artifact.failure = scope.failure;
    try {
      if (options.metadata || scope.metadata) {
        const metadata = { ...options.metadata, ...scope.metadata };
        if (Object.keys(metadata).length > 0) artifact.metadata = toJsonValue(metadata) as JsonObject;
      }
    } catch (error) {
      report(error, { stage: 'record', runId: artifact.runId });
    }
    let writes = 0;
    const written = (): void => {
      if (--writes === 0) settled(item);
    };
    const deliver = (sink: RunSink, write: () => void | Promise<void>): void => {
      writes++;
      let result: void | Promise<void>;
      try {
        result = write();
        if (flushing > 0) sink.flush?.().catch(() => {});
      } catch (error) {
        report(error, { stage: 'sink', runId: artifact.runId, sink: sink.name });
        written();
        return;
      }
      if (result === undefined || typeof (result as Partial<Promise<void>>).then !== 'function') return written();
      (result as Promise<void>).then(written, (error: unknown) => {
        const redactionFailed = error instanceof Error && error.name === REDACTION_ERROR_NAME;
        report(error, redactionFailed ? { stage: 'redact', runId: artifact.runId } : { stage: 'sink', runId: artifact.runId, sink: sink.name });
        written();
      });
    };
    writes++; // held until every sink has been handed the run, so a sink that settles at once cannot settle the run early
    for (const sink of selfRedacting) deliver(sink, () => sink[WRITE_UNREDACTED](artifact, redaction!));
    if (redactedHere.length > 0) {
      let redacted: RunArtifact | undefined;
      try {
        redacted = redaction === undefined ? artifact : redactRun(artifact, redaction);
      } catch (error) {
        // Never write an unredacted run because redaction failed.
        report(error, { stage: 'redact', runId: artifact.runId });
      }
      if (redacted) for (const sink of redactedHere) deliver(sink, () => sink.write(redacted));
    }
    written();
  }

  /** Starts recording a run: the scope its calls go to, its start time and the snapshot of its input. */
  function begin(input: unknown, extras: RunExtras | undefined): RunInProgress {
    const outer = currentInterceptor();
    const scope = new CaptureScope(extras?.runId, isCaptureScope(outer) ? outer : undefined);
    if (extras?.metadata) scope.metadata = { ...extras.metadata };
    let inputJson: Json;
    try {
      inputJson = toJsonValue(input);
    } catch {
      inputJson = null;
    }
    return { scope, startedAtMs: Date.now(), t0: performance.now(), input: inputJson, ended: false };
  }

  /**
   * Ends a run: takes what must be taken now (its duration, its timeline, a snapshot of the output) and
   * leaves the rest (the artifact, its id, judging, redaction, the sinks) to `finish`, off the caller's path.
   */
  function endRun(run: RunInProgress, outcome: { output?: unknown } | { error: unknown }, resolve?: () => void): void {
    if (run.ended) {
      resolve?.();
      return;
    }
    run.ended = true;
    const durationMs = roundMs(performance.now() - run.t0);
    const timeline = run.scope.close();
    const item: Finishing = { run, durationMs, timeline, resolve };
    if ('error' in outcome) item.error = toRecordedError(outcome.error);
    else {
      item.rawOutput = outcome.output;
      if (outcome.output !== undefined) item.output = toJsonValue(outcome.output);
    }
    finishLater(item);
  }

  function start(input: unknown, extras?: RunExtras): ActiveRun {
    const run = begin(input, extras);
    const { scope } = run;
    return {
      get runId() {
        return scope.runId;
      },
      within: (fn) => runWithInterceptor(scope, fn),
      recordToolCall: (event) => scope.addToolCall({ type: 'tool', ...event }),
      recordModelCall: (event) => scope.addModelCall({ type: 'model', ...event }),
      fail: (summary, atStep) => scope.markFailed(summary, atStep),
      annotate: (metadata) => scope.annotate(metadata),
      end: (outcome) => new Promise<void>((resolve) => endRun(run, outcome, resolve)),
    };
  }

  return {
    record<T>(input: unknown, fn: () => T, extras?: RunExtras): T {
      // Disabled, or inside a replay (which answers the tools itself): stay out of the way.
      const outer = currentInterceptor();
      if (!enabled || (outer !== undefined && !isCaptureScope(outer))) return fn();
      const run = begin(input, extras);
      let result: T;
      try {
        result = runWithInterceptor(run.scope, fn);
      } catch (error) {
        endRun(run, { error });
        throw error;
      }
      if (isThenable(result)) {
        return result.then(
          (output) => {
            endRun(run, { output });
            return output;
          },
          (error: unknown) => {
            endRun(run, { error });
            throw error;
          },
        ) as T;
      }
      endRun(run, { output: result });
      return result;
    },
    start,
    async flush() {
      flushing++;
      try {
        flushSinks();
        if (unsettled > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      } finally {
        flushing--;
      }
    },
  };
}

function applyJudge(stepCount: number, scope: CaptureScope, verdict: ReturnType<NonNullable<RecorderOptions['judge']>>): void {
  if (verdict === undefined || verdict === false) return;
  const last = lastStep(stepCount);
  if (verdict === true) scope.failure ??= withStep('The judge marked the output as wrong.', last);
  else if (typeof verdict === 'string') scope.failure ??= withStep(verdict, last);
  else scope.failure ??= withStep(verdict.summary, verdict.atStep ?? last);
}

function lastStep(stepCount: number): number | undefined {
  return stepCount > 0 ? stepCount - 1 : undefined;
}

function withStep(summary: string, atStep: number | undefined): RunFailure {
  return atStep === undefined ? { summary } : { summary, atStep };
}

function agentInfo(given: RunAgentInfo | undefined): RunAgentInfo {
  const info: RunAgentInfo = { ...given };
  const commit = given?.commit ?? env('REHEARSE_COMMIT', 'GIT_SHA', 'GITHUB_SHA', 'VERCEL_GIT_COMMIT_SHA', 'CI_COMMIT_SHA', 'SOURCE_VERSION');
  const version = given?.version ?? env('REHEARSE_AGENT_VERSION', 'npm_package_version');
  if (commit !== undefined) info.commit = commit;
  if (version !== undefined) info.version = version;
  return info;
}

function env(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value) return value;
  }
  return undefined;
}

/** A run being recorded. */
interface RunInProgress {
  readonly scope: CaptureScope;
  readonly startedAtMs: number;
  /** `performance.now()` at the start, for the duration. */
  readonly t0: number;
  /** The input's snapshot, taken at the start (the agent may change the object it was given). */
  readonly input: Json;
  ended: boolean;
}

/** A run that ended and waits to be assembled, judged, redacted and handed to the sinks. */
interface Finishing {
  run: RunInProgress;
  durationMs: number;
  timeline: TimelineEvent[];
  /** The output's snapshot, taken when the agent returned. */
  output?: Json;
  /** The output as returned, for `judge`. */
  rawOutput?: unknown;
  error?: RecordedError;
  /** Settles the promise `ActiveRun.end` returned. */
  resolve?: (() => void) | undefined;
}

function canClone(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

