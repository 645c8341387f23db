import type { Json, JsonObject } from './json.js';
import type { CapturedStatus, RecordedError, RedactionRecord, TimelineEvent } from './case.js';

/** The `format` tag of a captured run file. */
export type RunArtifactFormat = 'rehearse.run';

/**
 * One production invocation of an agent, as `capture()` records it: the input, every model and tool call in
 * order, the output or thrown error, and where it ran. Written as `.rehearse/runs/<startedAt>-<runId>.run.json`
 * (or one line of a JSONL stream) after redaction. `rehearse promote` turns one into a case.
 * `schema/run.schema.json` is the same contract for other tools; `src/capture/run-schema.test.ts` keeps the two in step.
 *
 * Version 1. Readers refuse a newer `version`; fields are only ever added as optional within a version.
 */
export interface RunArtifact {
  format: RunArtifactFormat;
  /** Format version; this release writes 1. */
  version: number;
  /** Unique per invocation (a UUID unless the caller supplied one). */
  runId: string;
  /** What produced the run. */
  agent: RunAgentInfo;
  /** Deployment environment name: `production`, `staging`, … */
  environment?: string;
  /** ISO 8601 time the invocation started. */
  startedAt: string;
  /** ISO 8601 time it returned or threw. */
  endedAt: string;
  durationMs: number;
  /** Exactly what the agent received (its first argument unless `capture` was told otherwise). */
  input: Json;
  /** Every model and tool call, in the order they started. */
  timeline: TimelineEvent[];
  /** The return value, when the agent returned. */
  output?: Json;
  /** The thrown error, when the agent threw. */
  error?: RecordedError;
  /** `ok`: returned; `errored`: threw; `failed`: returned but the application marked the answer as wrong. */
  status: CapturedStatus;
  /** Why the run was marked `failed`, and at which timeline step, when the application said so. */
  failure?: RunFailure;
  /** Anything else the application attached (user tier, request id, feature flags). */
  metadata?: JsonObject;
  /** What redaction replaced before the run was written (placeholders and pointers only, never the secret). */
  redactions?: RedactionRecord[];
}

/** Identifies the agent code that produced a run. */
export interface RunAgentInfo {
  name?: string;
  /** Release or package version. */
  version?: string;
  /** Git commit SHA of the agent code. */
  commit?: string;
}

/** The application's judgement that a run answered wrongly. */
export interface RunFailure {
  summary: string;
  /** Index into `timeline` of the step where it went wrong, when known. */
  atStep?: number;
}
