import type { ToolMatchPolicy } from '../model/case.js';
import type { ModelCallJob } from '../model-calls/run-settings.js';
import type { ErrorInfo } from '../model/result.js';

/** A case file as the run knows it before it is read. */
export interface CaseFileRef {
  /** Absolute path. */
  path: string;
  /** Relative to the working directory, forward slashes: what reports show. */
  display: string;
  /** Folder name the case sits in. */
  suite: string;
}

/** Which cases a run keeps, decided once each case is read. */
export interface CaseSelection {
  /** Case-insensitive substring of `suite/id` or title, or `/regex/flags`. */
  filter?: string;
  /** Keep cases that have any of these tags. */
  tags?: string[];
}

/** What the main thread hands a case worker. */
export interface WorkerJob {
  cwd: string;
  agentModule: string;
  agentExport: string;
  files: CaseFileRef[];
  /** Indices into `files` this worker runs. */
  indices: number[];
  concurrency: number;
  timeoutMs: number;
  repeat: number;
  forceRepeat?: number;
  tools?: Record<string, ToolMatchPolicy>;
  allowHosts: string[];
  /** Model-call mode, cache and prices; the judge. */
  model?: ModelCallJob['model'];
  judge?: ModelCallJob['judge'];
  selection: CaseSelection;
  /** Int32Array view: [0] heartbeat, [1..concurrency] the file index + 1 each slot is running (0 = idle). */
  watch: SharedArrayBuffer;
}

/** A case file's text, read by the main thread for the worker, or why it could not be read. */
export interface CaseText {
  /** Index into the job's `files`. */
  index: number;
  text?: string;
  readError?: string;
}

/**
 * What the main thread sends a case worker: its job, once, as the first message (see case-worker.ts); then
 * the texts of its case files, in the order of the job's `indices`, read ahead (see case-text-feeder.ts).
 */
export type MainMessage = { type: 'job'; job: WorkerJob } | { type: 'case-texts'; items: CaseText[] };

export type WorkerMessage =
  /** After reading the cases: which of `indices` were selected (the others are left out of the run). */
  | { type: 'selected'; indices: number[] }
  /**
   * Finished cases, each serialized once in the worker: the main thread parses them for reporters and
   * writes the same text into the results file, instead of cloning objects across threads and then
   * stringifying them again.
   */
  | { type: 'results'; indices: number[]; texts: string[] }
  /** The worker has used this many more case texts: the main thread may read that many further ahead. */
  | { type: 'case-texts-taken'; count: number }
  /** The agent could not be loaded: every case is errored with this. */
  | { type: 'agent-failed'; error: ErrorInfo }
  /** Something threw outside any case (the agent's background work); the run goes on. */
  | { type: 'warning'; message: string }
  | { type: 'done' };
