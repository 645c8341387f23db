import type { RunResults } from '../model/result.js';

/**
 * Each case's wall time in `results` (all its attempts), keyed by `toKey(case.file)`: the input of a
 * duration-balanced split. `case.file` is relative to the working directory of the run that wrote the file,
 * so `toKey` turns it into the key the current run splits by. A key seen twice (a duplicate id) adds up.
 */
export function durationsFromResults(results: RunResults, toKey: (file: string) => string): Map<string, number> {
  const durations = new Map<string, number>();
  for (const result of results.cases) {
    if (typeof result.file !== 'string' || typeof result.durationMs !== 'number') continue;
    const key = toKey(result.file);
    durations.set(key, (durations.get(key) ?? 0) + result.durationMs);
  }
  return durations;
}
