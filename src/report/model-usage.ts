import type { CaseResult, Usage } from '../model/index.js';
import { formatUsage, formatUsd, groupThousands, totalTokens } from './format.js';

/*
 * Per-case figures about model calls, as the reports show them: what a case spent (tokens, money), what the
 * response cache saved, and whether a model call was answered with drift (the recorded answer replayed for a
 * changed prompt). Pure and cheap: a loop over the attempts, no allocation for a case without model calls.
 */

/** One drift entry of a case: a model call answered from the recording although its request changed. */
export interface CaseDrift {
  step: number;
  message: string;
}

/**
 * The drift entries of every attempt of a case, each step once (repeats of a case usually drift at the
 * same step with the same message, and a reader needs it once). Empty when the case did not drift.
 */
export function caseDrift(result: CaseResult): CaseDrift[] {
  let out: CaseDrift[] | undefined;
  let seen: Set<string> | undefined;
  for (const attempt of result.attempts) {
    if (!attempt.drift || attempt.drift.length === 0) continue;
    out ??= [];
    seen ??= new Set();
    for (const d of attempt.drift) {
      const id = `${d.step}\u0000${d.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ step: d.step, message: d.message });
    }
  }
  return out ?? [];
}

/** Whether any attempt of the case was answered with drift. */
export function hasDrift(result: CaseResult | undefined): boolean {
  return result !== undefined && result.attempts.some((a) => a.drift !== undefined && a.drift.length > 0);
}

/** Number of cases with at least one attempt answered with drift. */
export function countDriftCases(results: readonly (CaseResult | undefined)[]): number {
  let n = 0;
  for (const r of results) if (hasDrift(r)) n += 1;
  return n;
}

/** What a case's attempts spent and saved, added up; fields are absent when no attempt reported them. */
export interface CaseModelUsage {
  usage?: Usage;
  costUsd?: number;
  cache?: { hits: number; misses: number; savedUsd?: number };
}

/** Adds up `usage`, `costUsd` and `cache` over the attempts of a case (with repeats, every attempt counts). */
export function caseModelUsage(result: CaseResult): CaseModelUsage {
  let tokens: number | undefined;
  let input: number | undefined;
  let output: number | undefined;
  let cost: number | undefined;
  let cache: { hits: number; misses: number; savedUsd?: number } | undefined;
  for (const a of result.attempts) {
    const t = totalTokens(a.usage);
    if (t !== undefined) tokens = (tokens ?? 0) + t;
    if (a.usage?.inputTokens !== undefined) input = (input ?? 0) + a.usage.inputTokens;
    if (a.usage?.outputTokens !== undefined) output = (output ?? 0) + a.usage.outputTokens;
    if (a.costUsd !== undefined) cost = (cost ?? 0) + a.costUsd;
    if (a.cache) {
      cache ??= { hits: 0, misses: 0 };
      cache.hits += a.cache.hits;
      cache.misses += a.cache.misses;
      if (a.cache.savedUsd !== undefined) cache.savedUsd = (cache.savedUsd ?? 0) + a.cache.savedUsd;
    }
  }
  const out: CaseModelUsage = {};
  if (tokens !== undefined) {
    out.usage = { totalTokens: tokens };
    if (input !== undefined) out.usage.inputTokens = input;
    if (output !== undefined) out.usage.outputTokens = output;
  }
  if (cost !== undefined) out.costUsd = cost;
  if (cache) out.cache = cache;
  return out;
}

/**
 * One case's model-call figures on one line: `1,234 tokens · $0.0012 · cache 3 hits, 1 miss, saved $0.0040`,
 * or undefined when the case reported none (a run without model calls shows nothing rather than zeros).
 */
export function formatCaseUsage(result: CaseResult): string | undefined {
  const { usage, costUsd, cache } = caseModelUsage(result);
  const parts: string[] = [];
  const spent = formatUsage({ ...(usage ? { usage } : {}), ...(costUsd !== undefined ? { costUsd } : {}) });
  if (spent) parts.push(spent);
  if (cache && cache.hits + cache.misses > 0) {
    const saved = cache.savedUsd !== undefined && cache.savedUsd > 0 ? `, saved ${formatUsd(cache.savedUsd)}` : '';
    parts.push(`cache ${groupThousands(cache.hits)} ${cache.hits === 1 ? 'hit' : 'hits'}, ${groupThousands(cache.misses)} ${cache.misses === 1 ? 'miss' : 'misses'}${saved}`);
  }
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** `cache saved $0.0123` for the run's totals, or undefined when the cache saved nothing. */
export function formatCacheSaved(savedUsd: number | undefined): string | undefined {
  return savedUsd !== undefined && savedUsd > 0 ? `cache saved ${formatUsd(savedUsd)}` : undefined;
}

/** The one-sentence meaning of drift, shared by every report so they say the same thing. */
export const DRIFT_EXPLANATION =
  "a model call's prompt changed but it was answered with the recorded answer, so the old answer was replayed and the new prompt was not tested (run with --model cached or live to test it)";
