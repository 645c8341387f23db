import type { Json, JsonObject } from '../model/json.js';
import type { ModelCallEvent, ToolCallEvent } from '../model/case.js';
import type { RunAgentInfo, RunArtifact, RunFailure } from '../model/run-artifact.js';
import { currentInterceptor, runWithInterceptor } from '../replay/scope.js';
import { toJsonValue, toRecordedError } from './json-value.js';
import { redact, type RedactOptions } from './redact.js';
import { CaptureScope, isCaptureScope, isoTimestamp, roundMs } from './run-scope.js';
import { toSinks, type RunSinkLike } from './sinks.js';

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
  /** Finishes the run: its artifact is redacted and written in the background; the promise settles when it is. */
  end(outcome: { output?: unknown } | { error: unknown }): Promise<RunArtifact | undefined>;
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
  const pending = new Set<Promise<unknown>>();
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

  function start(input: unknown, extras: RunExtras = {}): ActiveRun {
    const outer = currentInterceptor();
    const scope = new CaptureScope(extras.runId ?? newRunId(), isCaptureScope(outer) ? outer : undefined);
    const startedAtMs = Date.now();
    const t0 = performance.now();
    let inputJson: Json;
    try {
      inputJson = toJsonValue(input);
    } catch {
      inputJson = null;
    }
    let ended = false;
    if (extras.metadata) scope.metadata = { ...extras.metadata };

    return {
      runId: scope.runId,
      within: (fn) => runWithInterceptor(scope, fn),
      recordToolCall: (event) => scope.addToolCall({ type: 'tool', ...event }),
      recordModelCall: (event) => scope.addModelCall({ type: 'model', ...event }),
      fail: (summary, atStep) => scope.markFailed(summary, atStep),
      annotate: (metadata) => scope.annotate(metadata),
      end(outcome) {
        if (ended) return Promise.resolve(undefined);
        ended = true;
        const durationMs = roundMs(performance.now() - t0);
        const timeline = scope.close();
        const artifact: RunArtifact = {
          format: RUN_FORMAT,
          version: RUN_VERSION,
          runId: scope.runId,
          agent,
          ...(environment !== undefined && { environment }),
          startedAt: isoTimestamp(startedAtMs),
          endedAt: isoTimestamp(startedAtMs + durationMs),
          durationMs,
          input: inputJson,
          timeline,
          status: 'ok',
        };
        const rawOutput = 'error' in outcome ? undefined : outcome.output;
        if ('error' in outcome) {
          artifact.status = 'errored';
          artifact.error = toRecordedError(outcome.error);
        } else if (outcome.output !== undefined) {
          artifact.output = toJsonValue(outcome.output);
        }
        // Judging, redaction and writing happen off the caller's path.
        const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => finish(artifact, scope, rawOutput));
        pending.add(done);
        void done.finally(() => pending.delete(done));
        return done;
      },
    };
  }

  async function finish(artifact: RunArtifact, scope: CaptureScope, rawOutput: unknown): Promise<RunArtifact | undefined> {
    try {
      if (artifact.status === 'ok' && options.judge) applyJudge(artifact, scope, options.judge(rawOutput));
      if (scope.failure && artifact.status === 'ok') {
        artifact.status = 'failed';
        artifact.failure = scope.failure;
      }
      const metadata = { ...options.metadata, ...scope.metadata };
      if (Object.keys(metadata).length > 0) artifact.metadata = toJsonValue(metadata) as JsonObject;
    } catch (error) {
      report(error, { stage: 'record', runId: artifact.runId });
    }
    let written: RunArtifact;
    try {
      written = options.redact === false ? artifact : redactRun(artifact, options.redact ?? {});
    } catch (error) {
      // Never write an unredacted run because redaction failed.
      report(error, { stage: 'redact', runId: artifact.runId });
      return undefined;
    }
    await Promise.all(
      sinks.map(async (sink) => {
        try {
          const write = sink.write(written);
          if (flushing > 0) sink.flush?.().catch(() => {});
          await write;
        } catch (error) {
          report(error, { stage: 'sink', runId: artifact.runId, sink: sink.name });
        }
      }),
    );
    return written;
  }

  return {
    record<T>(input: unknown, fn: () => T, extras?: RunExtras): T {
      // Disabled, or inside a replay (which answers the tools itself): stay out of the way.
      const outer = currentInterceptor();
      if (!enabled || (outer !== undefined && !isCaptureScope(outer))) return fn();
      const run = start(input, extras);
      let result: T;
      try {
        result = run.within(fn);
      } catch (error) {
        void run.end({ error });
        throw error;
      }
      if (isThenable(result)) {
        return result.then(
          (output) => {
            void run.end({ output });
            return output;
          },
          (error: unknown) => {
            void run.end({ error });
            throw error;
          },
        ) as T;
      }
      void run.end({ output: result });
      return result;
    },
    start,
    async flush() {
      flushing++;
      try {
        flushSinks();
        while (pending.size > 0) await Promise.all([...pending]);
      } finally {
        flushing--;
      }
    },
  };
}

/**
 * Redacts the parts of a run that hold data (input, timeline, output, error, failure, metadata) and merges
 * the records with any the run already had. Pointers are into the run artifact (`/timeline/2/args/email`).
 */
export function redactRun(run: RunArtifact, options: RedactOptions = {}): RunArtifact {
  const { input, timeline, output, error, failure, metadata } = run;
  const content: Record<string, unknown> = { input, timeline };
  // Absent fields stay absent (and no `delete` afterwards, which would slow every later read of the object).
  if (output !== undefined) content['output'] = output;
  if (error !== undefined) content['error'] = error;
  if (failure !== undefined) content['failure'] = failure;
  if (metadata !== undefined) content['metadata'] = metadata;
  const { value, records } = redact(content as Json, options);
  const redacted = { ...run, ...(value as Partial<RunArtifact>) };
  if (records.length > 0 || run.redactions) redacted.redactions = [...(run.redactions ?? []), ...records];
  return redacted;
}

function applyJudge(artifact: RunArtifact, scope: CaptureScope, verdict: ReturnType<NonNullable<RecorderOptions['judge']>>): void {
  if (verdict === undefined || verdict === false) return;
  const last = lastStep(artifact.timeline.length);
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * A random run id. `node:crypto` is loaded on first use, not imported: this module is part of the library an
 * agent imports, and under `rehearse run` that import happens in the case worker, where loading `node:crypto`
 * costs ~7 ms of every run's start-up although replay never captures.
 */
function newRunId(): string {
  return (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).randomUUID();
}
