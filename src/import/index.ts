/**
 * Import: turns what production left behind (a run captured by rehearse, or a trace exported from an
 * observability tool as OTLP/JSON) into one run, the single input `promote` and `replay` work from.
 */
export { loadRun, readSource, fromCapturedRun } from './read-source.js';
export type { RunSelector, SourceContents } from './read-source.js';
export { traceToRun, ImportError, CONTENT_CAPTURE_HINT } from './trace-to-run.js';
export type { ImportedRun } from './trace-to-run.js';
export { tracesFromExports, decodeAnyValue, decodeAttributes, isOtlpExport } from './otlp.js';
export type { FlatSpan, Trace } from './otlp.js';
export type { TraceFormat } from './span-mapping.js';
