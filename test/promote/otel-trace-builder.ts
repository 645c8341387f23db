import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, trace, SpanStatusCode, type Attributes, type Context, type ContextManager, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';

/** Options of one span made with the real OpenTelemetry SDK. */
export interface SpanSpec {
  attributes?: Attributes;
  events?: { name: string; attributes?: Attributes }[];
  /** Records an exception event and sets the error status. */
  error?: { type: string; message: string };
  /** Simulated duration in ms (the builder's clock moves by it). @default 5 */
  durationMs?: number;
}

/**
 * Builds traces with the real OpenTelemetry SDK (BasicTracerProvider + InMemorySpanExporter) and serializes
 * them with the OTLP/JSON serializer, the bytes an OTLP/JSON exporter or a collector's file exporter writes.
 * A simulated clock gives every span a distinct start time, so ordering does not depend on the machine.
 */
export function createTraceBuilder(resource: Attributes = { 'service.name': 'support-bot', 'service.version': '1.4.2' }) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(resource), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('rehearse-test');
  let clock = Date.UTC(2026, 0, 15, 10, 0, 0);

  function start(name: string, spec: SpanSpec, parent?: Span): Span {
    const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = tracer.startSpan(name, { startTime: clock, attributes: spec.attributes ?? {} }, ctx);
    clock += 1;
    for (const event of spec.events ?? []) span.addEvent(event.name, event.attributes ?? {}, clock);
    if (spec.error) {
      span.recordException({ name: spec.error.type, message: spec.error.message }, clock);
      span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error.message });
    }
    return span;
  }

  return {
    tracer,
    /** Runs `body` inside a parent span that ends after it. */
    parent<T>(name: string, spec: SpanSpec, body: (span: Span) => T): T {
      const span = start(name, spec);
      const result = body(span);
      clock += 1;
      span.end(clock);
      return result;
    },
    /** A finished child span. */
    span(name: string, spec: SpanSpec, parent?: Span): void {
      const span = start(name, spec, parent);
      clock += spec.durationMs ?? 5;
      span.end(clock);
    },
    spans(): ReadableSpan[] {
      return exporter.getFinishedSpans();
    },
    /** The OTLP/JSON export of every finished span. */
    toJson(): string {
      return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
    },
  };
}

/** The OTLP/JSON export of spans made elsewhere (e.g. by the AI SDK with a tracer from a provider). */
export function serializeSpans(spans: ReadableSpan[]): string {
  return new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
}

/**
 * A context manager on AsyncLocalStorage, so spans the AI SDK starts inside `startActiveSpan` get their
 * parent (the SDK's own AsyncLocalStorage manager lives in a package this repo does not install).
 * Registered once per process; returns after registration.
 */
export function useAsyncContext(): void {
  const g = globalThis as { __rehearseOtelContext?: boolean };
  if (g.__rehearseOtelContext) return;
  g.__rehearseOtelContext = true;
  const storage = new AsyncLocalStorage<Context>();
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.apply(thisArg, args)),
    bind: (_ctx, target) => target,
    enable() {
      return manager;
    },
    disable() {
      storage.disable();
      return manager;
    },
  };
  context.setGlobalContextManager(manager);
}
