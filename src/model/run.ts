import type { Json } from './json.js';
import type { TimelineEvent, Usage } from './case.js';
import type { Divergence, ErrorInfo } from './result.js';

/**
 * What one replay of a case produced, before scoring: the input to every assertion.
 * `timeline` is the replayed trajectory (every model and tool call the agent made this time).
 */
export interface ReplayedRun {
  output?: Json;
  /** Set when the agent threw or timed out. */
  error?: ErrorInfo;
  divergence?: Divergence;
  timeline: TimelineEvent[];
  durationMs: number;
  usage?: Usage;
}
