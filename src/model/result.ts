import type { Json } from './json.js';
import type { AssertionResult } from './assertion.js';
import type { CapturedStatus, RecordedError, TimelineEvent, Usage } from './case.js';

/** The `format` tag of a results file. */
export const RESULTS_FORMAT = 'rehearse.results';
/** The newest results format version this release reads and writes. */
export const RESULTS_VERSION = 1;

/**
 * How one attempt at a case ended.
 * - `passed` / `failed`: the agent ran to the end and the assertions decided.
 * - `diverged`: the agent made a call the recording cannot answer (a tool call with no match, blocked network).
 * - `errored`: the agent threw, timed out, or the case could not be loaded; the assertions did not run.
 */
export type AttemptStatus = 'passed' | 'failed' | 'diverged' | 'errored';

/** Why a replay could not go on faithfully. */
export interface Divergence {
  kind: 'unmatched-tool-call' | 'blocked-network' | 'unrecorded-model-call';
  /** Index in the replayed timeline where it happened. */
  step: number;
  message: string;
  tool?: string;
  args?: Json;
  /** The recorded call that came closest, and how it differs (a json-diff-ts changeset). */
  nearest?: { step: number; args: Json; diff: Json };
  /** For `blocked-network`: the URL or host:port the agent tried to reach. */
  target?: string;
}

/** A stable error code, so tools and tests can branch without parsing messages. */
export type ErrorCode =
  | 'CASE_INVALID'
  | 'CASE_UNREADABLE'
  | 'CASE_VERSION_UNSUPPORTED'
  | 'CASE_DUPLICATE'
  | 'AGENT_THREW'
  | 'AGENT_TIMEOUT'
  | 'AGENT_HUNG'
  | 'AGENT_CRASHED'
  | 'AGENT_LOAD_FAILED'
  | 'ASSERTION_FAILED_TO_RUN';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  name?: string;
  stack?: string;
  /** File the error is about, relative to the working directory. */
  file?: string;
  /** JSON pointer into that file. */
  pointer?: string;
  /** Every issue, when validation found several. */
  issues?: { pointer: string; message: string }[];
}

export interface AttemptResult {
  status: AttemptStatus;
  durationMs: number;
  /** Weighted mean of the assertion scores, 0..1 (0 when the assertions did not run). */
  score: number;
  assertions: AssertionResult[];
  output?: Json;
  error?: ErrorInfo;
  divergence?: Divergence;
  /** Every model and tool call the agent made in this attempt. */
  timeline: TimelineEvent[];
  usage?: Usage;
  /** Money spent on model calls that really went to a provider (`live`/`cached` mode; a cache hit costs 0). */
  costUsd?: number;
  /** Recorded model answers served for requests that changed (`recorded` mode): the old answer was replayed, the new prompt was not tested. */
  drift?: { step: number; message: string }[];
  /** Response-cache hits and misses of this attempt (`cached` mode), and what the hits would have cost. */
  cache?: { hits: number; misses: number; savedUsd?: number };
}

/**
 * What a comparison concluded about a case.
 * Against a baseline: see `src/compare/`. Without one, the case's own captured outcome is the baseline.
 */
export type Verdict = 'fixed' | 'regressed' | 'still-failing' | 'passing' | 'flaky' | 'new' | 'removed' | 'errored';

export interface CaseResult {
  /** `<suite>/<id>`: unique in a run. */
  key: string;
  suite: string;
  id: string;
  title: string;
  tags: string[];
  /** Case file, relative to the working directory, with forward slashes. */
  file: string;
  /** Status of the captured run, from the case's `outcome`. */
  captured?: CapturedStatus;
  /** Index of the captured failure step, when the case names one. */
  capturedFailureStep?: number;
  /** The recorded tool calls, in order, so reports can show where the replay departed without the case file. */
  recordedTrajectory?: TrajectoryStep[];
  /** Overall status: `passed` only when the attempts pass; see `summarizeAttempts`. */
  status: AttemptStatus;
  /** Number of attempts that passed, out of `attempts.length`. */
  passes: number;
  attempts: AttemptResult[];
  durationMs: number;
  /** Set when the case could not be loaded or run at all (then `attempts` is empty). */
  error?: ErrorInfo;
}

export interface RunResults {
  format: typeof RESULTS_FORMAT;
  version: number;
  /** Unique per `rehearse run` (or merge); shards of one run share `runGroup` instead. */
  runId: string;
  startedAt: string;
  durationMs: number;
  /** Git commit the agent code was at, when known. */
  commit?: string;
  /** Set when the run was interrupted before every case finished. */
  partial?: boolean;
  /** `i/n` when this file holds one shard of a run. */
  shard?: string;
  /**
   * Names the run a shard belongs to, the same in every shard of it: `--run-group`, else `github-run-<id>` on
   * GitHub Actions, else the commit. `rehearse merge` refuses files whose groups differ.
   */
  runGroup?: string;
  repeat: number;
  /**
   * The config's `thresholds` and `significance` when it set them, so every later comparison of this file
   * (`rehearse compare`, `rehearse report`, the GitHub Action, merged shards) judges as the run did.
   * Absent: the defaults (pass 1, fail 0, significance 0.05).
   */
  compare?: CompareSettingsRecord;
  cases: CaseResult[];
  totals: RunTotals;
}

/** Verdict settings as the config states them (each optional; defaults fill the rest). */
export interface CompareSettingsRecord {
  /** Pass-rate thresholds: `passed` at or above `pass`, `failed` at or below `fail`, `flaky` in between. */
  thresholds?: { pass?: number; fail?: number };
  /** Significance level of the one-sided exact test across repeats. */
  significance?: number;
}

export interface RunTotals {
  cases: number;
  passed: number;
  failed: number;
  diverged: number;
  errored: number;
  usage?: Usage;
  costUsd?: number;
  /** What the response cache saved over the run (sum of the attempts' `cache.savedUsd`). */
  cacheSavedUsd?: number;
}

export type ErrorLike = RecordedError;

/** One tool call in a trajectory, as reports draw it. */
export interface TrajectoryStep {
  tool: string;
  args: Json;
  /** True when the call threw (recorded) or was not answered (replayed divergence). */
  failed?: boolean;
}
