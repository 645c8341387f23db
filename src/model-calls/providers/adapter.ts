import type { ModelCallEvent, RecordedToolRequest, Usage } from '../../model/case.js';
import type { SseEvent } from '../sse.js';

/** A model-call response as the timeline keeps it, plus what the provider said about itself. */
export type ReadResponse = ModelCallEvent['response'] & { id?: string; model?: string };

/**
 * One provider wire format: how its responses are rebuilt from a recorded model event (a JSON body and
 * an SSE stream in the provider's own event format) and how a live response is read back into an event.
 */
export interface ProviderAdapter {
  provider: string;
  /** `openai.chat`, `openai.responses`, `anthropic.messages`. */
  api: string;
  /** The non-streaming response body for a recorded answer. */
  jsonBody(event: ModelCallEvent, n: number): unknown;
  /** The streamed events for a recorded answer, in order. */
  sseEvents(event: ModelCallEvent, n: number): SseEvent[];
  /** Reads a live non-streaming body. */
  readJson(body: unknown): ReadResponse;
  /** Reads a complete live stream. */
  readSse(events: readonly SseEvent[]): ReadResponse;
}

export type Loose = Record<string, unknown>;

export function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Splits text into word-sized deltas (whitespace kept), the grain providers stream at. */
export function textDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

/** Tool arguments as the wire carries them: a JSON string. */
export function argsText(call: RecordedToolRequest): string {
  return typeof call.args === 'string' ? call.args : JSON.stringify(call.args ?? {});
}

/** Parses tool arguments from their wire text; keeps the text when it is not JSON. */
export function parseArgsText(text: string): RecordedToolRequest['args'] {
  try {
    return JSON.parse(text === '' ? '{}' : text) as RecordedToolRequest['args'];
  } catch {
    return text;
  }
}

/** A stable synthetic id for the n-th answer of a run (providers' ids are not needed to replay). */
export function syntheticId(prefix: string, n: number): string {
  return `${prefix}rehearse_${n}`;
}

export function tokens(usage: Usage | undefined): { input: number; output: number; cached: number } {
  return { input: usage?.inputTokens ?? 0, output: usage?.outputTokens ?? 0, cached: usage?.cachedInputTokens ?? 0 };
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Builds a Usage from counts, leaving out what is unknown. */
export function usageOf(input: number | undefined, output: number | undefined, cached: number | undefined): Usage | undefined {
  const usage: Usage = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (cached !== undefined && cached > 0) usage.cachedInputTokens = cached;
  if (input !== undefined || output !== undefined) usage.totalTokens = (input ?? 0) + (output ?? 0);
  return Object.keys(usage).length > 0 ? usage : undefined;
}
