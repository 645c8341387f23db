import type { Comparison, ComparedCase } from './comparison.js';
import type { CaseResult, RunResults } from './result.js';

/** What a reporter learns when a run starts. */
export interface RunStartInfo {
  /** Number of cases selected (including ones that failed to load). */
  caseCount: number;
  repeat: number;
  concurrency: number;
  /** Working directory; paths in results are relative to it. */
  cwd: string;
}

/**
 * What a reporter receives when the run is over.
 *
 * Every case is in `results.cases` and has its verdict in `comparison.cases`, but, so that a long run stays
 * in flat memory, a live run that writes a results file passes *slim* copies of the cases no built-in report
 * shows in detail: plain passes (verdict `passing`, or `new` and passed, with no drift), and in each verdict
 * the cases after the first 1,000 by key. A slim case keeps `key`, `suite`, `id`, `title`, `tags`, `file`,
 * `captured`, `capturedFailureStep`, `status`, `passes`, `durationMs`, `error`, and per attempt `status`,
 * `score`, `durationMs`, the failed `assertions`, `error`, `divergence`, `usage`, `costUsd`, `drift` and
 * `cache`; it has no `recordedTrajectory`, no attempt `output`, no passing assertions, and an empty
 * attempt `timeline`. Totals, verdicts and reasons are those of the full results. For every case in full,
 * use `onCaseResult` (each case's full result as it finishes) or read the file at `resultsPath` (like
 * Playwright's `onTestEnd` vs `onEnd`). A run without a results file, `rehearse report --from` and
 * `rehearse merge` pass every case in full.
 */
export interface RunEndInfo {
  results: RunResults;
  comparison: Comparison;
  /** Path the results file was written to, if it was: the complete results, every case in full. */
  resultsPath?: string;
}

/**
 * A reporter: every hook is optional and may return a promise (awaited before the next hook).
 *
 * Call order, for a live run:
 * 1. `onRunStart` once, after cases are found and before the first one runs;
 * 2. `onCaseResult` once per case, in completion order (not file order), as each finishes;
 * 3. `onRunEnd` once, after the comparison, with every case (some slim; see `RunEndInfo`).
 *
 * `rehearse report --from results.json` calls the same hooks, in the same order, from a saved file.
 * A hook that throws is reported and makes the exit code non-zero; it never changes a verdict
 * and never stops the other reporters.
 */
export interface Reporter {
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  onCaseResult?(result: CaseResult): void | Promise<void>;
  onRunEnd?(info: RunEndInfo): void | Promise<void>;
}

/** A module that provides a reporter exports a factory (default export) taking the options from the config. */
export type ReporterFactory = (options: Record<string, unknown>) => Reporter;

export type { ComparedCase };
