import type { CaseResult, RunTotals } from '../model/result.js';
import { addUsage } from './usage.js';

/**
 * A run's totals, from its cases: statuses, token usage, cost and cache savings. Its own small module because
 * the Action and `rehearse merge` recompute totals of merged shards and must not load the replay engine.
 */
export function totalsOf(cases: readonly CaseResult[]): RunTotals {
  const totals = emptyTotals();
  for (const c of cases) addToTotals(totals, c);
  return totals;
}

export function emptyTotals(): RunTotals {
  return { cases: 0, passed: 0, failed: 0, diverged: 0, errored: 0 };
}

/** Counts one more case into `totals` (the results file being streamed keeps its totals this way). */
export function addToTotals(totals: RunTotals, c: CaseResult): void {
  totals.cases++;
  totals[c.status === 'passed' ? 'passed' : c.status === 'failed' ? 'failed' : c.status === 'diverged' ? 'diverged' : 'errored']++;
  for (const attempt of c.attempts) {
    if (attempt.usage) totals.usage = addUsage(totals.usage, attempt.usage);
    if (attempt.costUsd !== undefined) totals.costUsd = (totals.costUsd ?? 0) + attempt.costUsd;
    if (attempt.cache?.savedUsd !== undefined) totals.cacheSavedUsd = (totals.cacheSavedUsd ?? 0) + attempt.cache.savedUsd;
  }
}
