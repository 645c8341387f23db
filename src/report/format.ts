import type { RunTotals, Usage } from '../model/index.js';
import { passHatK, wilsonInterval } from '../compare/stats.js';

/** `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Total tokens of a usage record, or undefined when it says nothing. */
export function totalTokens(usage: Usage | undefined): number | undefined {
  if (!usage) return undefined;
  if (usage.totalTokens !== undefined) return usage.totalTokens;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  return (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

/** `12,345 tokens · $0.0123`, or undefined when neither is known. */
export function formatUsage(totals: Pick<RunTotals, 'usage' | 'costUsd'>): string | undefined {
  const parts: string[] = [];
  const tokens = totalTokens(totals.usage);
  if (tokens !== undefined) parts.push(`${groupThousands(tokens)} tokens`);
  if (totals.costUsd !== undefined) parts.push(formatUsd(totals.costUsd));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** `$0.0123` below a dollar (model calls are cheap, cents would round to zero), `$12.34` above. */
export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** `3/5`, or `—` when the case never ran. */
export function formatPassRate(passes: number, runs: number): string {
  return runs > 0 ? `${passes}/${runs}` : '—';
}

/**
 * With repeats, what a pass count means: the rate with its Wilson 95% interval, and pass^k (every attempt
 * passed): `80% (95% CI 38–96%), pass^5 no`. Undefined for a single attempt, where it would say nothing.
 */
export function formatRepeatStats(passes: number, runs: number): string | undefined {
  if (runs <= 1) return undefined;
  const { low, high, rate } = wilsonInterval(passes, runs);
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  return `${pct(rate)} (95% CI ${pct(low)}–${pct(high)}), pass^${runs} ${passHatK(passes, runs) ? 'yes' : 'no'}`;
}

/** `12345` → `12,345` (toLocaleString would load Intl data, which costs tens of milliseconds cold). */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
