import type { Json, JsonObject } from '../model/json.js';

/** One span from an OTLP/JSON export, with attributes decoded into plain JSON values. */
export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** Nanoseconds since the epoch, as a bigint: OTLP timestamps do not fit a double. */
  startNs: bigint;
  endNs: bigint;
  attributes: JsonObject;
  events: SpanEventData[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  /** Attributes of the resource that emitted the span (service.name, …). */
  resource: JsonObject;
  scope?: string;
}

export interface SpanEventData {
  name: string;
  timeNs: bigint;
  attributes: JsonObject;
}

/** A trace: its spans ordered by start time (ties by end time, then span id, so order is stable). */
export interface Trace {
  traceId: string;
  spans: FlatSpan[];
}

/** Thrown for a file that is not an OTLP/JSON export; the message names the file and what was found. */
export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}

/** True when a parsed JSON value looks like an OTLP/JSON trace export (`{ resourceSpans: [...] }`). */
export function isOtlpExport(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as { resourceSpans?: unknown }).resourceSpans);
}

/**
 * Flattens OTLP/JSON exports (the shape the OTLP/JSON exporters and a collector's file exporter write) into
 * spans and groups them by trace id. Trace and span ids are kept as the export spells them (hex in OTLP/JSON;
 * base64, as some protobuf-to-JSON converters write, is turned into hex so ids from both agree).
 */
export function tracesFromExports(exports: readonly unknown[], file: string): Trace[] {
  const byTrace = new Map<string, FlatSpan[]>();
  exports.forEach((doc, docIndex) => {
    if (!isOtlpExport(doc)) throw new TraceFormatError(`${file}: export ${docIndex + 1} has no "resourceSpans" array; expected an OTLP/JSON trace export`);
    for (const rs of (doc as { resourceSpans: unknown[] }).resourceSpans) {
      const resourceSpans = rs as { resource?: { attributes?: unknown }; scopeSpans?: unknown[]; instrumentationLibrarySpans?: unknown[] };
      const resource = decodeAttributes(resourceSpans.resource?.attributes);
      // instrumentationLibrarySpans: the name older exporters used for scopeSpans.
      for (const ss of resourceSpans.scopeSpans ?? resourceSpans.instrumentationLibrarySpans ?? []) {
        const scopeSpans = ss as { scope?: { name?: unknown }; instrumentationLibrary?: { name?: unknown }; spans?: unknown[] };
        const scopeName = scopeSpans.scope?.name ?? scopeSpans.instrumentationLibrary?.name;
        for (const raw of scopeSpans.spans ?? []) {
          const span = decodeSpan(raw as RawSpan, resource, typeof scopeName === 'string' ? scopeName : undefined);
          let list = byTrace.get(span.traceId);
          if (!list) byTrace.set(span.traceId, (list = []));
          list.push(span);
        }
      }
    }
  });
  return [...byTrace].map(([traceId, spans]) => ({ traceId, spans: spans.sort(compareSpans) }));
}

interface RawSpan {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  name?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  events?: unknown;
  status?: { code?: unknown; message?: unknown };
}

function decodeSpan(raw: RawSpan, resource: JsonObject, scope: string | undefined): FlatSpan {
  const span: FlatSpan = {
    traceId: toHexId(raw.traceId),
    spanId: toHexId(raw.spanId),
    name: typeof raw.name === 'string' ? raw.name : '',
    startNs: toNanos(raw.startTimeUnixNano),
    endNs: toNanos(raw.endTimeUnixNano),
    attributes: decodeAttributes(raw.attributes),
    events: Array.isArray(raw.events) ? raw.events.map(decodeEvent) : [],
    status: { code: statusCode(raw.status?.code) },
    resource,
  };
  const parent = toHexId(raw.parentSpanId);
  if (parent) span.parentSpanId = parent;
  if (typeof raw.status?.message === 'string' && raw.status.message) span.status.message = raw.status.message;
  if (scope) span.scope = scope;
  return span;
}

function decodeEvent(raw: unknown): SpanEventData {
  const event = raw as { name?: unknown; timeUnixNano?: unknown; attributes?: unknown };
  return { name: typeof event.name === 'string' ? event.name : '', timeNs: toNanos(event.timeUnixNano), attributes: decodeAttributes(event.attributes) };
}

/** `[{ key, value: AnyValue }]` → `{ key: json }`. Later duplicates win, as in the SDKs. */
export function decodeAttributes(raw: unknown): JsonObject {
  const out: JsonObject = {};
  if (!Array.isArray(raw)) return out;
  for (const item of raw) {
    const kv = item as { key?: unknown; value?: unknown };
    if (typeof kv.key === 'string') out[kv.key] = decodeAnyValue(kv.value);
  }
  return out;
}

/**
 * OTLP AnyValue → JSON. `intValue` may arrive as a string (int64 in proto3 JSON) and becomes a number when it
 * is a safe integer; bytes stay base64 text.
 */
export function decodeAnyValue(raw: unknown): Json {
  if (raw === null || typeof raw !== 'object') return null;
  const v = raw as Record<string, unknown>;
  if ('stringValue' in v) return typeof v['stringValue'] === 'string' ? v['stringValue'] : String(v['stringValue']);
  if ('boolValue' in v) return v['boolValue'] === true || v['boolValue'] === 'true';
  if ('intValue' in v) {
    const n = Number(v['intValue']);
    return Number.isSafeInteger(n) ? n : String(v['intValue']);
  }
  if ('doubleValue' in v) {
    const n = Number(v['doubleValue']);
    return Number.isFinite(n) ? n : String(v['doubleValue']);
  }
  if ('arrayValue' in v) {
    const values = (v['arrayValue'] as { values?: unknown[] } | null)?.values;
    return Array.isArray(values) ? values.map(decodeAnyValue) : [];
  }
  if ('kvlistValue' in v) return decodeAttributes((v['kvlistValue'] as { values?: unknown[] } | null)?.values);
  if ('bytesValue' in v) return String(v['bytesValue']);
  return null;
}

function toNanos(raw: unknown): bigint {
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isFinite(raw)) return BigInt(Math.round(raw));
  // Some converters write the protobuf Long as { low, high }.
  if (raw && typeof raw === 'object' && 'low' in raw && 'high' in raw) {
    const { low, high } = raw as { low: number; high: number };
    return (BigInt(high >>> 0) << 32n) + BigInt(low >>> 0);
  }
  return 0n;
}

function statusCode(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (raw === 'STATUS_CODE_ERROR') return 2;
  if (raw === 'STATUS_CODE_OK') return 1;
  return 0;
}

function toHexId(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') return '';
  if (/^[0-9a-fA-F]+$/.test(raw) && (raw.length === 32 || raw.length === 16)) return raw.toLowerCase();
  if (/^[A-Za-z0-9+/]+=*$/.test(raw)) {
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length === 16 || bytes.length === 8) return bytes.toString('hex');
  }
  return raw;
}

function compareSpans(a: FlatSpan, b: FlatSpan): number {
  if (a.startNs !== b.startNs) return a.startNs < b.startNs ? -1 : 1;
  if (a.endNs !== b.endNs) return a.endNs < b.endNs ? -1 : 1;
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/** ISO 8601 time of a nanosecond timestamp (millisecond precision), or undefined for a missing one. */
export function isoFromNanos(ns: bigint): string | undefined {
  return ns > 0n ? new Date(Number(ns / 1_000_000n)).toISOString() : undefined;
}

/** Duration between two nanosecond timestamps in milliseconds, with microsecond precision. */
export function durationMs(start: bigint, end: bigint): number | undefined {
  if (start <= 0n || end < start) return undefined;
  return Number((end - start) / 1000n) / 1000;
}
