/**
 * Capture: record production runs of an agent as run artifacts (`schema/run.schema.json`), redacted before
 * anything is written. Light on purpose (node built-ins only): it is loaded into production processes.
 */
export { capture, currentRun } from './capture.js';
export type { CaptureOptions, CapturedFunction, CurrentRun } from './capture.js';
export { createRecorder, RUN_FORMAT, RUN_VERSION } from './recorder.js';
export { redactRun } from './redact-run.js';
export type { ActiveRun, CaptureErrorContext, CaptureErrorStage, KeepContext, Recorder, RecorderOptions, RunExtras } from './recorder.js';
export { recordModelCall, recordableModel } from './model-call.js';
export type { ModelCallMapping } from './model-call.js';
export type { MappedRequest, MappedResponse } from './model-shapes.js';
export { DEFAULT_RUNS_DIR, directorySink, functionSink, jsonlSink, runFileName } from './sinks.js';
export type { FileSinkOptions, RunSink, RunSinkLike } from './sinks.js';
export { redact } from './redact.js';
export type { RedactOptions, RedactResult, RedactionRule } from './redact.js';
