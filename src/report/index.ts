/**
 * Reporting: built-in reporters, the multiplexer that isolates them, resolving the config's reporter list,
 * and the results file. Heavy pieces (Handlebars) load only when a Markdown report is rendered.
 */
export { createReporterMultiplexer } from './multiplexer.js';
export type { MultiplexerOptions, NamedReporter, ReporterFailure, ReporterHook, ReporterMultiplexer } from './multiplexer.js';
export { resolveReporters, importReporterModule } from './resolve.js';
export type { ResolveReportersOptions } from './resolve.js';
export { BUILTIN_REPORTERS } from './builtins.js';
export type { LazyReporterFactory } from './builtins.js';
export { readResults, writeResults, upgradeResults, ResultsFileError, RESULTS_UPGRADES } from './results-file.js';
export type { ResultsFileErrorCode, ResultsUpgrade, UpgradeOptions } from './results-file.js';
export { REPORT_MARKER } from './escape.js';
export { formatHeadline, countVerdicts, REPORT_VERDICT_ORDER } from './verdicts.js';
export { renderComment } from './markdown.js';
export type { MarkdownOptions } from './markdown.js';
export { renderSummary } from './summary.js';
export type { SummaryOptions } from './summary.js';
export { renderJunit } from './junit.js';
export type { JunitOptions } from './junit.js';
export type { TerminalOptions } from './terminal.js';
export type { JsonOptions } from './json.js';
