import type { Json, JsonObject } from '../model/json.js';
import type { CaseSource, ChatMessage, TimelineEvent } from '../model/case.js';
import type { RunArtifact } from '../model/run-artifact.js';
import { durationMs, isoFromNanos, type FlatSpan, type Trace } from './otlp.js';
import { isGenAiSpan, mapGenAiSpan } from './genai.js';
import { isVercelAiSpan, mapVercelAiSpan } from './vercel-ai.js';
import { isOpenInferenceSpan, mapOpenInferenceSpan } from './openinference.js';
import { spanError, type MappedSpan, type TraceFormat } from './span-mapping.js';
import { addToolEventsFromMessages } from './tools-from-messages.js';
import { parseJsonText } from './messages.js';

/** A run, from our own capture or imported from a trace, and where it came from (for the case's `source`). */
export interface ImportedRun {
  run: RunArtifact;
  source: CaseSource;
}

/** A trace or run file that cannot become a run; the message says what to do. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** The setting that turns message content capture on, per convention: named when a trace has none. */
export const CONTENT_CAPTURE_HINT: Record<TraceFormat, string> = {
  otel:
    'set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true in the traced service (or the capture-content option of your GenAI instrumentation, e.g. traceContent / captureMessageContent) and capture the run again',
  'vercel-ai':
    'pass experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true } to generateText / streamText (remove recordInputs: false / recordOutputs: false) and capture the run again',
  openinference:
    'unset OPENINFERENCE_HIDE_INPUTS, OPENINFERENCE_HIDE_OUTPUTS, OPENINFERENCE_HIDE_INPUT_MESSAGES and OPENINFERENCE_HIDE_OUTPUT_MESSAGES (or set them to false) in the traced service and capture the run again',
};

const FORMAT_NAMES: Record<TraceFormat, string> = { otel: 'OpenTelemetry GenAI', 'vercel-ai': 'Vercel AI SDK', openinference: 'OpenInference' };

/**
 * Turns one trace into a run: model and tool calls in start order (tool calls seen only inside chat messages
 * added by call id), the root span's input and output as the agent's, its error status as a thrown error.
 * Attributes that do not map are kept in `source.attributes` (resource, then each span's leftovers).
 * Throws `ImportError` for a trace with no GenAI / AI SDK / OpenInference span, or one recorded without content.
 */
export function traceToRun(trace: Trace, file: string): ImportedRun {
  const mapped = new Map<FlatSpan, MappedSpan>();
  for (const span of trace.spans) {
    const m = mapSpan(span);
    if (m) mapped.set(span, m);
  }
  const calls = [...mapped.values()].filter((m) => m.isCall);
  if (calls.length === 0) {
    throw new ImportError(
      `${file}: trace ${trace.traceId} has no model or tool call spans (looked for OpenTelemetry GenAI gen_ai.operation.name, Vercel AI SDK ai.* spans and OpenInference openinference.span.kind); is GenAI instrumentation enabled in the traced service?`,
    );
  }
  const format = dominantFormat(calls);
  if (![...mapped.values()].some((m) => m.hasContent)) {
    throw new ImportError(
      `${file}: trace ${trace.traceId} was recorded without message content (its ${FORMAT_NAMES[format]} spans have no messages, tool arguments or results), so there is nothing to replay. To record content, ${CONTENT_CAPTURE_HINT[format]}.`,
    );
  }

  let timeline: TimelineEvent[] = [];
  for (const span of trace.spans) {
    const event = mapped.get(span)?.event;
    if (event) timeline.push(event);
  }
  timeline = addToolEventsFromMessages(timeline);

  const depth = depthOf(trace.spans);
  const root = [...trace.spans].sort((a, b) => depth(a) - depth(b) || (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))[0]!;
  // The outermost span that says what went in and came out speaks for the agent as a whole.
  const outer = trace.spans.filter((s) => !mapped.get(s)?.isCall).sort((a, b) => depth(a) - depth(b));
  const input = pick(outer, mapped, 'input') ?? firstUserMessage(timeline) ?? null;
  const output = pick(outer, mapped, 'output') ?? lastAnswer(timeline);

  const startNs = trace.spans.reduce((min, s) => (s.startNs > 0n && s.startNs < min ? s.startNs : min), root.startNs);
  const endNs = trace.spans.reduce((max, s) => (s.endNs > max ? s.endNs : max), root.endNs);
  const startedAt = isoFromNanos(startNs) ?? new Date(0).toISOString();
  const run: RunArtifact = {
    format: 'rehearse.run',
    version: 1,
    runId: trace.traceId,
    agent: agentOf(root.resource),
    startedAt,
    endedAt: isoFromNanos(endNs) ?? startedAt,
    durationMs: durationMs(startNs, endNs) ?? 0,
    input,
    timeline,
    status: 'ok',
  };
  const environment = root.resource['deployment.environment.name'] ?? root.resource['deployment.environment'];
  if (typeof environment === 'string') run.environment = environment;
  const error = spanError(root);
  if (error) {
    run.status = 'errored';
    run.error = error;
  } else if (output !== undefined) {
    run.output = output;
  }

  const source: CaseSource = { kind: format, traceId: trace.traceId, capturedAt: startedAt, attributes: sourceBag(trace, mapped) };
  const version = run.agent.version ?? run.agent.commit;
  if (version) source.agentVersion = run.agent.name ? `${run.agent.name} ${version}` : version;
  return { run, source };
}

function mapSpan(span: FlatSpan): MappedSpan | undefined {
  // AI SDK spans also carry a few gen_ai.* attributes; their own ai.* ones are richer, so they are checked first.
  if (isVercelAiSpan(span)) return mapVercelAiSpan(span);
  if (isOpenInferenceSpan(span)) return mapOpenInferenceSpan(span);
  if (isGenAiSpan(span)) return mapGenAiSpan(span);
  return undefined;
}

/**
 * A span's input or output: what its convention's mapper found, else the generic `input.value` /
 * `output.value` (or Traceloop's `traceloop.entity.input` / `.output`) that many tracers put on an agent's
 * own span. JSON text is parsed.
 */
function pick(spans: FlatSpan[], mapped: Map<FlatSpan, MappedSpan>, which: 'input' | 'output'): Json | undefined {
  for (const span of spans) {
    const m = mapped.get(span);
    if (m?.[which] !== undefined) return m[which];
    for (const key of [`${which}.value`, `traceloop.entity.${which}`]) {
      const value = span.attributes[key];
      if (value === undefined) continue;
      if (m) m.used.add(key);
      else mapped.set(span, { format: 'otel', isCall: false, hasContent: true, used: new Set([key]) });
      return parseJsonText(value) ?? null;
    }
  }
  return undefined;
}

function dominantFormat(calls: MappedSpan[]): TraceFormat {
  const counts = new Map<TraceFormat, number>();
  for (const c of calls) counts.set(c.format, (counts.get(c.format) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

function depthOf(spans: FlatSpan[]): (span: FlatSpan) => number {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const cache = new Map<FlatSpan, number>();
  const depth = (span: FlatSpan, guard = 0): number => {
    const known = cache.get(span);
    if (known !== undefined) return known;
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    const d = parent && guard < 1000 ? depth(parent, guard + 1) + 1 : 0;
    cache.set(span, d);
    return d;
  };
  return (span) => depth(span);
}

function firstUserMessage(timeline: TimelineEvent[]): Json | undefined {
  for (const event of timeline) {
    if (event.type !== 'model') continue;
    const user = event.request.messages.find((m: ChatMessage) => m.role === 'user');
    if (user) return user.content;
  }
  return undefined;
}

function lastAnswer(timeline: TimelineEvent[]): Json | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const event = timeline[i]!;
    if (event.type === 'model' && event.response.text !== undefined) return event.response.text;
  }
  return undefined;
}

function agentOf(resource: JsonObject): RunArtifact['agent'] {
  const agent: RunArtifact['agent'] = {};
  const name = resource['service.name'];
  if (typeof name === 'string' && !name.startsWith('unknown_service')) agent.name = name;
  const version = resource['service.version'];
  if (typeof version === 'string') agent.version = version;
  const commit = resource['vcs.ref.head.revision'] ?? resource['git.commit.sha'];
  if (typeof commit === 'string') agent.commit = commit;
  return agent;
}

/** Everything the mapping did not use: resource attributes and, per span, leftover attributes and events. */
function sourceBag(trace: Trace, mapped: Map<FlatSpan, MappedSpan>): JsonObject {
  const first = trace.spans[0];
  const bag: JsonObject = { resource: first?.resource ?? {} };
  const spans: Json[] = [];
  for (const span of trace.spans) {
    const m = mapped.get(span);
    const attributes: JsonObject = {};
    for (const [key, value] of Object.entries(span.attributes)) if (!m?.used.has(key)) attributes[key] = value;
    const events = span.events
      .filter((e) => !m?.usedEvents?.has(e.name))
      .map((e): JsonObject => ({ name: e.name, time: isoFromNanos(e.timeNs) ?? null, attributes: e.attributes }));
    const entry: JsonObject = { spanId: span.spanId, name: span.name };
    if (span.parentSpanId) entry['parentSpanId'] = span.parentSpanId;
    if (span.scope) entry['scope'] = span.scope;
    if (span.status.code !== 0) entry['status'] = span.status.message ? { code: span.status.code, message: span.status.message } : { code: span.status.code };
    if (Object.keys(attributes).length > 0) entry['attributes'] = attributes;
    if (events.length > 0) entry['events'] = events;
    spans.push(entry);
  }
  bag['spans'] = spans;
  return bag;
}

