import type { Json, JsonObject } from '../model/json.js';
import type { ChatMessage, ModelCallEvent, ToolCallEvent } from '../model/case.js';
import type { FlatSpan } from './otlp.js';
import { isObject, parseJsonText, textOf, toArgs, toChatMessages, toToolDefinitions, unflatten } from './messages.js';
import { AttributeReader, spanError, timing, usageOf, type MappedSpan } from './span-mapping.js';

/** `gen_ai.operation.name` values that are model calls. */
const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content']);

/** Span events of the older GenAI conventions that carry one message each. */
const MESSAGE_EVENTS: Record<string, ChatMessage['role']> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** True when a span follows the OpenTelemetry GenAI semantic conventions. */
export function isGenAiSpan(span: FlatSpan): boolean {
  return typeof span.attributes['gen_ai.operation.name'] === 'string';
}

/**
 * Maps a GenAI span: `chat` / `text_completion` / `generate_content` → model event, `execute_tool` → tool
 * event; `invoke_agent` and others contribute input and output only. Messages come from
 * `gen_ai.input.messages` / `gen_ai.output.messages` (newer), `gen_ai.prompt` / `gen_ai.completion` (JSON or
 * flattened `gen_ai.prompt.0.role`), or the per-message span events of the older conventions.
 */
export function mapGenAiSpan(span: FlatSpan): MappedSpan {
  const attrs = new AttributeReader(span.attributes);
  const operation = attrs.string('gen_ai.operation.name') ?? '';
  if (operation === 'execute_tool') return mapTool(span, attrs);
  const usedEvents = new Set<string>();
  const input = inputMessages(span, attrs, usedEvents);
  const output = outputMessages(span, attrs, usedEvents);
  if (!MODEL_OPERATIONS.has(operation)) {
    const mapped: MappedSpan = { format: 'otel', isCall: false, hasContent: input.length > 0 || output.messages.length > 0, used: attrs.used, usedEvents };
    const firstUser = input.find((m) => m.role === 'user');
    if (firstUser) mapped.input = firstUser.content;
    const answer = output.messages.find((m) => m.role === 'assistant');
    if (answer) mapped.output = answer.content;
    return mapped;
  }
  const event: ModelCallEvent = { type: 'model', request: { messages: input }, response: {} };
  const id = attrs.string('gen_ai.response.id');
  if (id) event.id = id;
  const provider = attrs.string('gen_ai.provider.name', 'gen_ai.system');
  if (provider) event.provider = provider;
  const model = attrs.string('gen_ai.request.model', 'gen_ai.response.model');
  if (model) event.model = model;
  attrs.get('gen_ai.response.model');
  const tools = toToolDefinitions(attrs.get('gen_ai.tool.definitions'));
  if (tools.length > 0) event.request.tools = tools;
  const params = requestParams(span.attributes, attrs.used);
  if (params) event.request.params = params;
  const answer = output.messages.find((m) => m.role === 'assistant') ?? output.messages[0];
  const text = answer ? textOf(answer.content) : undefined;
  if (text) event.response.text = text;
  if (answer?.toolCalls?.length) event.response.toolCalls = answer.toolCalls;
  const reasons = attrs.get('gen_ai.response.finish_reasons');
  const finishReason = output.finishReason ?? (Array.isArray(reasons) && typeof reasons[0] === 'string' ? reasons[0] : typeof reasons === 'string' ? reasons : undefined);
  if (finishReason) event.response.finishReason = finishReason;
  const usage = usageOf(
    attrs.number('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
    attrs.number('gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
    undefined,
    attrs.number('gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'),
  );
  if (usage) event.response.usage = usage;
  if (spanError(span, attrs.used, usedEvents)) event.response.finishReason = 'error';
  Object.assign(event, timing(span));
  return { format: 'otel', event, isCall: true, hasContent: input.length > 0 || output.messages.length > 0, used: attrs.used, usedEvents };
}

function mapTool(span: FlatSpan, attrs: AttributeReader): MappedSpan {
  const usedEvents = new Set<string>();
  const event: ToolCallEvent = { type: 'tool', name: attrs.string('gen_ai.tool.name') ?? (span.name.replace(/^execute_tool\s*/, '') || 'unknown'), args: {} };
  const callId = attrs.string('gen_ai.tool.call.id');
  if (callId) event.callId = callId;
  const rawArgs = attrs.get('gen_ai.tool.call.arguments');
  const rawResult = attrs.get('gen_ai.tool.call.result');
  event.args = toArgs(rawArgs);
  const error = spanError(span, attrs.used, usedEvents);
  if (error) event.error = error;
  else if (rawResult !== undefined) event.result = parseJsonText(rawResult) ?? null;
  Object.assign(event, timing(span));
  return { format: 'otel', event, isCall: true, hasContent: rawArgs !== undefined || rawResult !== undefined, used: attrs.used, usedEvents };
}

function inputMessages(span: FlatSpan, attrs: AttributeReader, usedEvents: Set<string>): ChatMessage[] {
  const system = attrs.get('gen_ai.system_instructions');
  const systemMessages: ChatMessage[] = system === undefined ? [] : [{ role: 'system', content: systemText(parseJsonText(system)) }];
  const newer = attrs.get('gen_ai.input.messages');
  if (newer !== undefined) return [...systemMessages, ...toChatMessages(parseJsonText(newer))];
  const older = attrs.get('gen_ai.prompt') ?? eventAttribute(span, 'gen_ai.content.prompt', 'gen_ai.prompt', usedEvents);
  if (older !== undefined) return [...systemMessages, ...toChatMessages(parseJsonText(older))];
  const flattened = unflatten(span.attributes, 'gen_ai.prompt.', attrs.used);
  if (flattened !== undefined) return [...systemMessages, ...toChatMessages(flattened)];
  const fromEvents: ChatMessage[] = [];
  for (const e of span.events) {
    const role = MESSAGE_EVENTS[e.name];
    if (!role) continue;
    usedEvents.add(e.name);
    const body = eventBody(e.attributes);
    const [message] = toChatMessages({ role, ...body });
    if (message) fromEvents.push(message);
  }
  return [...systemMessages, ...fromEvents];
}

function outputMessages(span: FlatSpan, attrs: AttributeReader, usedEvents: Set<string>): { messages: ChatMessage[]; finishReason?: string } {
  const newer = parseJsonText(attrs.get('gen_ai.output.messages'));
  if (newer !== undefined) return { messages: toChatMessages(newer), ...finishOf(newer) };
  const older = attrs.get('gen_ai.completion') ?? eventAttribute(span, 'gen_ai.content.completion', 'gen_ai.completion', usedEvents);
  if (older !== undefined) {
    const parsed = parseJsonText(older);
    return { messages: toChatMessages(typeof parsed === 'string' ? { role: 'assistant', content: parsed } : parsed), ...finishOf(parsed) };
  }
  const flattened = unflatten(span.attributes, 'gen_ai.completion.', attrs.used);
  if (flattened !== undefined) return { messages: toChatMessages(withAssistantRole(flattened)), ...finishOf(flattened) };
  const choices = span.events.filter((e) => e.name === 'gen_ai.choice');
  if (choices.length === 0) return { messages: [] };
  usedEvents.add('gen_ai.choice');
  const bodies = choices.map((c) => eventBody(c.attributes));
  const messages = bodies.flatMap((b) => toChatMessages(withAssistantRole(isObject(b['message']) ? b['message'] : b)));
  return { messages, ...finishOf(bodies) };
}

/** A span event's body: the `gen_ai.event.content` / `event.body` JSON some exporters write, or its attributes. */
function eventBody(attributes: JsonObject): JsonObject {
  for (const key of ['gen_ai.event.content', 'event.body', 'body']) {
    const parsed = parseJsonText(attributes[key]);
    if (isObject(parsed)) return parsed;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(attributes)) {
    const short = key.replace(/^gen_ai\./, '');
    out[short] = short === 'message' || short === 'tool_calls' ? (parseJsonText(value) ?? null) : value;
  }
  return out;
}

function eventAttribute(span: FlatSpan, eventName: string, key: string, usedEvents: Set<string>): Json | undefined {
  const event = span.events.find((e) => e.name === eventName);
  if (!event || event.attributes[key] === undefined) return undefined;
  usedEvents.add(eventName);
  return event.attributes[key];
}

function withAssistantRole(value: Json): Json {
  if (Array.isArray(value)) return value.map(withAssistantRole);
  return isObject(value) && value['role'] === undefined ? { ...value, role: 'assistant' } : value;
}

function finishOf(value: Json | undefined): { finishReason?: string } {
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    if (isObject(item) && typeof item['finish_reason'] === 'string') return { finishReason: item['finish_reason'] };
  }
  return {};
}

function systemText(value: Json | undefined): Json {
  if (Array.isArray(value)) return textOf(value) ?? value;
  return value ?? '';
}

/** `gen_ai.request.temperature` → `params.temperature`; `max_tokens` → `maxTokens`. */
function requestParams(attributes: JsonObject, used: Set<string>): JsonObject | undefined {
  const params: JsonObject = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith('gen_ai.request.') || key === 'gen_ai.request.model') continue;
    used.add(key);
    params[key.slice('gen_ai.request.'.length).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}

