import { resolve } from 'node:path';
import type { Reporter, RunStartInfo } from '../model/index.js';
import { writeResults } from './results-file.js';

export interface JsonOptions {
  /** Relative to the run's working directory. @default 'rehearse-results.json' */
  outputFile?: string;
  /** Indented JSON (larger, easier to diff). @default false */
  pretty?: boolean;
}

/** The `json` reporter: writes the run's results file (atomically) when the run ends. */
export function createJsonReporter(options: JsonOptions = {}): Reporter {
  let cwd = process.cwd();
  return {
    onRunStart(info: RunStartInfo) {
      cwd = info.cwd;
    },
    onRunEnd({ results }) {
      writeResults(resolve(cwd, options.outputFile ?? 'rehearse-results.json'), results, { pretty: options.pretty === true });
    },
  };
}

export default createJsonReporter;
