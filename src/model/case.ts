import type { Json, JsonObject } from './json.js';
import type { AssertionSpec } from './assertion.js';

/** The `format` tag of a case file. */
export const CASE_FORMAT = 'rehearse.case';
/** The newest case format version this release reads and writes. */
export const CASE_VERSION = 1;

/**
 * One frozen agent run: what the agent received, what it did when it was captured, and how to judge it now.
 * Stored as `suites/<suite>/<id>.case.json` (or `.case.yaml`). `schema/case.schema.json` is the same contract
 * for editors and validation; `src/case/schema.test.ts` keeps the two in step.
 */
export interface Case {
  /** Optional pointer at the JSON Schema, for editor completion. Ignored by rehearse. */
  $schema?: string;
  format: typeof CASE_FORMAT;
  version: number;
  /** Unique within its suite: lower-case letters, digits, `.`, `_`, `-`. */
  id: string;
  title: string;
  tags?: string[];
  source?: CaseSource;
  /** Exactly what the agent received. */
  input: Json;
  /** The captured run, in order. Positions in this array are the "steps" that other fields refer to. */
  timeline: TimelineEvent[];
  outcome: CapturedOutcome;
  assertions: AssertionSpec[];
  /**
   * Weighted-score threshold in 0..1. Without it a case passes only when every assertion passes;
   * with it, when the weighted mean of assertion scores reaches the threshold.
   */
  passThreshold?: number;
  replay?: ReplayPolicy;
  /** What redaction replaced before the case was written (placeholders only, never the secret). */
  redactions?: RedactionRecord[];
}

/** Where a case came from. Everything is optional: a hand-written case has no trace. */
export interface CaseSource {
  /** `capture` (rehearse's recorder), `otel`, `vercel-ai`, `openinference`, `manual`, … */
  kind: string;
  runId?: string;
  traceId?: string;
  /** ISO 8601 time of the original run. */
  capturedAt?: string;
  /** A URL to the run in the tool it came from. */
  link?: string;
  note?: string;
  /** Agent version or git SHA that produced the run. */
  agentVersion?: string;
  /** Attributes of the source that do not map onto the case, kept losslessly. */
  attributes?: JsonObject;
}

export type TimelineEvent = ModelCallEvent | ToolCallEvent;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: Json;
  /** For `tool` messages: the call they answer. */
  toolCallId?: string;
  /** For `assistant` messages that request tools. */
  toolCalls?: RecordedToolRequest[];
  name?: string;
}

/** A tool call as the model requested it (before it ran). */
export interface RecordedToolRequest {
  id?: string;
  name: string;
  args: Json;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the tool's arguments. */
  parameters?: Json;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens served from the provider's prompt cache. */
  cachedInputTokens?: number;
  totalTokens?: number;
}

export interface ModelCallEvent {
  type: 'model';
  /** Provider-side or SDK-side id of the call, when known. */
  id?: string;
  provider?: string;
  model?: string;
  request: {
    messages: ChatMessage[];
    tools?: ToolDefinition[];
    /** Parameters that change the answer: temperature, max tokens, response format, … */
    params?: JsonObject;
  };
  response: {
    text?: string;
    toolCalls?: RecordedToolRequest[];
    finishReason?: string;
    usage?: Usage;
  };
  startedAt?: string;
  durationMs?: number;
}

export interface ToolCallEvent {
  type: 'tool';
  name: string;
  /** Correlates the call with the model's tool request, when the agent used one. */
  callId?: string;
  args: Json;
  /** The value the tool returned. Absent when it threw. */
  result?: Json;
  /** The error the tool threw; replay throws it again with the same message. */
  error?: RecordedError;
  startedAt?: string;
  durationMs?: number;
}

export interface RecordedError {
  message: string;
  /** `Error.name` (`TypeError`, `HttpError`, …), restored on replay. */
  name?: string;
  /** `error.code`, restored on replay when present. */
  code?: string;
  stack?: string;
}

export type CapturedStatus = 'failed' | 'errored' | 'ok';

export interface CapturedOutcome {
  /** `failed`: it ran and answered wrongly; `errored`: it threw or timed out; `ok`: it behaved. */
  status: CapturedStatus;
  output?: Json;
  error?: RecordedError;
  failure?: {
    /** Index into `timeline` of the step where the run went wrong. */
    atStep: number;
    summary: string;
  };
}

/**
 * How a tool's calls are matched to the recording.
 * - `exact`: same tool name and canonical arguments (key order ignored). Repeats are served in recorded order.
 * - `ignore`: like `exact`, but the JSON pointers listed in `ignore` are left out on both sides.
 * - `sequential`: the n-th call of the tool gets the n-th recorded result, whatever its arguments.
 * - `nearest`: the unused recorded call of the tool whose arguments differ least.
 * - `live`: call the real tool (opt-in: the run then depends on it).
 */
export type ToolMatchPolicy =
  | { match: 'exact' }
  | { match: 'ignore'; ignore: string[] }
  | { match: 'sequential' }
  | { match: 'nearest' }
  | { match: 'live' };

export type ModelMode = 'live' | 'cached' | 'recorded';

export interface ReplayPolicy {
  /** Policy per tool name; tools not listed use `defaultTool`. */
  tools?: Record<string, ToolMatchPolicy>;
  /** @default { match: 'exact' } */
  defaultTool?: ToolMatchPolicy;
  /** How many times to run the case (for a pass rate). @default 1 */
  repeat?: number;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /** What answers model calls that go through rehearse's model seams. */
  model?: ModelMode;
}

export interface RedactionRecord {
  /** The placeholder that now stands in the case, e.g. `<<EMAIL_1>>`. */
  placeholder: string;
  /** The rule that matched: `email`, `openai-key`, `user:account-id`, … */
  rule: string;
  /** JSON pointers (into the case) where it was replaced. */
  pointers: string[];
}
