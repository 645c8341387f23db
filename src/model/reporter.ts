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

/** What a reporter receives when the run is over. */
export interface RunEndInfo {
  results: RunResults;
  comparison: Comparison;
  /** Path the results file was written to, if it was. */
  resultsPath?: string;
}

/**
 * A reporter: every hook is optional and may return a promise (awaited before the next hook).
 *
 * Call order, for a live run:
 * 1. `onRunStart` once, after cases are found and before the first one runs;
 * 2. `onCaseResult` once per case, in completion order (not file order), as each finishes;
 * 3. `onRunEnd` once, after the comparison, with everything.
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
