import type { Json, JsonObject } from '../model/json.js';
import type { RecordedError, TimelineEvent, Usage } from '../model/case.js';
import { durationMs, isoFromNanos, type FlatSpan } from './otlp.js';

/** The conventions a span can follow; each has its own mapper. */
export type TraceFormat = 'otel' | 'vercel-ai' | 'openinference';

/** What a format mapper made of one span. */
export interface MappedSpan {
  format: TraceFormat;
  /** The model or tool call, when the span is one. */
  event?: TimelineEvent;
  /** True when the span is a model or tool call of its convention (counted for the content check). */
  isCall: boolean;
  /** True when the span carried message content, tool arguments or results. */
  hasContent: boolean;
  /** Attribute keys the mapping consumed; the rest go to the source bag. */
  used: Set<string>;
  /** Event names the mapping consumed. */
  usedEvents?: Set<string>;
  /** Input and output of the span as a whole, for the root span (the agent's input and answer). */
  input?: Json;
  output?: Json;
}

/** A small reader over a span's attributes that remembers which keys it read. */
export class AttributeReader {
  readonly used = new Set<string>();
  constructor(readonly attributes: JsonObject) {}

  get(key: string): Json | undefined {
    const value = this.attributes[key];
    if (value !== undefined) this.used.add(key);
    return value;
  }

  string(...keys: string[]): string | undefined {
    for (const key of keys) {
      const value = this.get(key);
      if (typeof value === 'string' && value !== '') return value;
    }
    return undefined;
  }

  number(...keys: string[]): number | undefined {
    for (const key of keys) {
      const value = this.get(key);
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.attributes[key] !== undefined;
  }
}

/** Timing fields of a timeline event from its span. */
export function timing(span: FlatSpan): { startedAt?: string; durationMs?: number } {
  const out: { startedAt?: string; durationMs?: number } = {};
  const startedAt = isoFromNanos(span.startNs);
  const ms = durationMs(span.startNs, span.endNs);
  if (startedAt) out.startedAt = startedAt;
  if (ms !== undefined) out.durationMs = ms;
  return out;
}

/**
 * The error a span recorded: its `exception` event (type, message, stacktrace) when there is one, else its
 * status message or `error.type`. Undefined when the span did not fail.
 */
export function spanError(span: FlatSpan, used?: Set<string>, usedEvents?: Set<string>): RecordedError | undefined {
  const exception = span.events.find((e) => e.name === 'exception');
  const errorType = span.attributes['error.type'];
  if (span.status.code !== 2 && !exception) return undefined;
  if (typeof errorType === 'string') used?.add('error.type');
  if (exception) usedEvents?.add('exception');
  const message = str(exception?.attributes['exception.message']) ?? span.status.message ?? (typeof errorType === 'string' ? errorType : 'the span ended with an error status');
  const error: RecordedError = { message };
  const name = str(exception?.attributes['exception.type']) ?? (typeof errorType === 'string' ? errorType : undefined);
  if (name) error.name = shortName(name);
  const stack = str(exception?.attributes['exception.stacktrace']);
  if (stack) error.stack = stack;
  const code = str(exception?.attributes['exception.code']) ?? str(span.attributes['error.code']);
  if (code) error.code = code;
  return error;
}

/** `openai.APITimeoutError` → `APITimeoutError`: replay restores `Error.name`, which has no module path. */
function shortName(type: string): string {
  const last = type.split(/[.:]/).pop();
  return last && last !== '' ? last : type;
}

/** Builds `Usage` from whichever token counts were present. */
export function usageOf(input: number | undefined, output: number | undefined, total?: number, cached?: number): Usage | undefined {
  const usage: Usage = {};
  if (input !== undefined) usage.inputTokens = Math.round(input);
  if (output !== undefined) usage.outputTokens = Math.round(output);
  if (cached !== undefined) usage.cachedInputTokens = Math.round(cached);
  const sum = total ?? (input !== undefined && output !== undefined ? input + output : undefined);
  if (sum !== undefined) usage.totalTokens = Math.round(sum);
  return Object.keys(usage).length > 0 ? usage : undefined;
}

function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
