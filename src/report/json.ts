import { resolve } from 'node:path';
import type { Reporter, RunStartInfo } from '../model/index.js';
import { copyResultsFile, readResults, writeResults } from './results-file.js';

export interface JsonOptions {
  /** Relative to the run's working directory. @default 'rehearse-results.json' */
  outputFile?: string;
  /** Indented JSON (larger, easier to diff). @default false */
  pretty?: boolean;
}

/**
 * The `json` reporter: writes the run's results file (atomically) when the run ends. When the run wrote a
 * results file (`resultsPath`), that file is copied (re-indented when `pretty`): it has every case in full,
 * while `results` in `onRunEnd` may hold slim copies of plain passes (see `RunEndInfo`).
 */
export function createJsonReporter(options: JsonOptions = {}): Reporter {
  let cwd = process.cwd();
  return {
    onRunStart(info: RunStartInfo) {
      cwd = info.cwd;
    },
    onRunEnd({ results, resultsPath }) {
      const target = resolve(cwd, options.outputFile ?? 'rehearse-results.json');
      const pretty = options.pretty === true;
      if (resultsPath === undefined) writeResults(target, results, { pretty });
      else if (pretty) writeResults(target, readResults(resultsPath), { pretty });
      else copyResultsFile(resultsPath, target);
    },
  };
}

export default createJsonReporter;
