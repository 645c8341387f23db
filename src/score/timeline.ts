import type { TimelineEvent, ToolCallEvent, Usage } from '../model/case.js';
import type { ReplayedRun } from '../model/run.js';

/**
 * The tool calls of a timeline, in order (model calls left out).
 *
 * @example toolCalls(run.timeline).map((c) => c.name) // ['lookup_order', 'issue_refund']
 */
export function toolCalls(timeline: readonly TimelineEvent[]): ToolCallEvent[] {
  const calls: ToolCallEvent[] = [];
  for (const event of timeline) if (event.type === 'tool') calls.push(event);
  return calls;
}

/** Tokens in one usage record: `totalTokens`, else input + output; undefined when it holds no counts. */
export function usageTokens(usage: Usage | undefined): number | undefined {
  if (!usage) return undefined;
  if (typeof usage.totalTokens === 'number') return usage.totalTokens;
  const input = typeof usage.inputTokens === 'number' ? usage.inputTokens : undefined;
  const output = typeof usage.outputTokens === 'number' ? usage.outputTokens : undefined;
  if (input === undefined && output === undefined) return undefined;
  // `cachedInputTokens` is a part of `inputTokens`, not more tokens: it is not added.
  return (input ?? 0) + (output ?? 0);
}

/**
 * Tokens a run used: the usage of every model call in its timeline plus `run.usage` (usage the agent
 * reported for model calls the timeline does not show). Undefined when no usage is recorded anywhere:
 * an unknown count is not zero.
 */
export function runTokens(run: ReplayedRun): number | undefined {
  let total: number | undefined = usageTokens(run.usage);
  for (const event of run.timeline) {
    if (event.type !== 'model') continue;
    const tokens = usageTokens(event.response?.usage);
    if (tokens !== undefined) total = (total ?? 0) + tokens;
  }
  return total;
}

/** `1st`, `2nd`, `3rd`, `11th`, …: for messages about the n-th call. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
