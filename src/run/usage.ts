import type { TimelineEvent, Usage } from '../model/case.js';

/** Adds up the token usage of the model calls in a timeline; `undefined` when no call reported any. */
export function sumUsage(timeline: readonly TimelineEvent[]): Usage | undefined {
  let total: Usage | undefined;
  for (const event of timeline) {
    if (event.type !== 'model' || !event.response.usage) continue;
    total = addUsage(total, event.response.usage);
  }
  return total;
}

export function addUsage(a: Usage | undefined, b: Usage): Usage {
  const out: Usage = { ...a };
  for (const key of ['inputTokens', 'outputTokens', 'cachedInputTokens', 'totalTokens'] as const) {
    const value = b[key];
    if (value !== undefined) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}
