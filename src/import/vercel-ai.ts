import type { Json, JsonObject } from '../model/json.js';
import type { ModelCallEvent, ToolCallEvent } from '../model/case.js';
import type { FlatSpan } from './otlp.js';
import { isObject, parseJsonText, toArgs, toChatMessages, toolRequestsOf, toToolDefinitions } from './messages.js';
import { AttributeReader, spanError, timing, usageOf, type MappedSpan } from './span-mapping.js';

/** True when a span comes from the Vercel AI SDK's telemetry (`experimental_telemetry`). */
export function isVercelAiSpan(span: FlatSpan): boolean {
  const op = span.attributes['ai.operationId'];
  return typeof op === 'string' ? op.startsWith('ai.') : span.name.startsWith('ai.');
}

/**
 * Maps an AI SDK span: `ai.<fn>.doGenerate` / `.doStream` → model event (`ai.prompt.messages`,
 * `ai.prompt.tools`, `ai.response.text` / `.toolCalls`, usage in `ai.usage.inputTokens` or the older
 * `promptTokens`), `ai.toolCall` → tool event (`ai.toolCall.name` / `.id` / `.args` / `.result`). The outer
 * `ai.generateText` / `ai.streamText` span gives the input (`ai.prompt`) and the answer (`ai.response.text`).
 */
export function mapVercelAiSpan(span: FlatSpan): MappedSpan {
  const attrs = new AttributeReader(span.attributes);
  const op = attrs.string('ai.operationId') ?? span.name;
  attrs.get('operation.name');
  if (op === 'ai.toolCall') return mapToolCall(span, attrs);
  if (/\.do(Generate|Stream)$/.test(op)) return mapModelCall(span, attrs);
  const mapped: MappedSpan = { format: 'vercel-ai', isCall: false, hasContent: false, used: attrs.used };
  const prompt = parseJsonText(attrs.get('ai.prompt'));
  if (prompt !== undefined) {
    mapped.hasContent = true;
    mapped.input = promptInput(prompt);
  }
  const text = attrs.string('ai.response.text');
  const object = attrs.get('ai.response.object');
  if (text !== undefined || object !== undefined) {
    mapped.hasContent = true;
    mapped.output = text ?? parseJsonText(object) ?? null;
  }
  return mapped;
}

function mapModelCall(span: FlatSpan, attrs: AttributeReader): MappedSpan {
  const rawMessages = attrs.get('ai.prompt.messages');
  const event: ModelCallEvent = { type: 'model', request: { messages: toChatMessages(parseJsonText(rawMessages)) }, response: {} };
  const id = attrs.string('ai.response.id', 'gen_ai.response.id');
  if (id) event.id = id;
  const provider = attrs.string('ai.model.provider', 'gen_ai.system');
  if (provider) event.provider = provider;
  const model = attrs.string('ai.model.id', 'gen_ai.request.model', 'ai.response.model', 'gen_ai.response.model');
  if (model) event.model = model;
  const tools = toToolDefinitions(attrs.get('ai.prompt.tools'));
  if (tools.length > 0) event.request.tools = tools;
  const params = settings(span.attributes, attrs.used);
  if (params) event.request.params = params;
  const text = attrs.string('ai.response.text');
  if (text !== undefined) event.response.text = text;
  const rawCalls = attrs.get('ai.response.toolCalls');
  const calls = toolRequestsOf(rawCalls);
  if (calls.length > 0) event.response.toolCalls = calls;
  const finishReason = attrs.string('ai.response.finishReason');
  if (finishReason) event.response.finishReason = finishReason;
  const usage = usageOf(
    attrs.number('ai.usage.inputTokens', 'ai.usage.promptTokens', 'gen_ai.usage.input_tokens'),
    attrs.number('ai.usage.outputTokens', 'ai.usage.completionTokens', 'gen_ai.usage.output_tokens'),
    attrs.number('ai.usage.totalTokens'),
    attrs.number('ai.usage.cachedInputTokens', 'ai.usage.inputTokenDetails.cacheReadTokens'),
  );
  if (usage) event.response.usage = usage;
  // The AI SDK repeats these under gen_ai.* names; they are mapped above and add nothing to the source bag.
  for (const key of ['gen_ai.response.finish_reasons', 'gen_ai.response.id', 'gen_ai.response.model', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.system', 'gen_ai.request.model']) attrs.get(key);
  const usedEvents = new Set<string>();
  if (spanError(span, attrs.used, usedEvents)) event.response.finishReason = 'error';
  Object.assign(event, timing(span));
  const hasContent = rawMessages !== undefined || text !== undefined || rawCalls !== undefined;
  return { format: 'vercel-ai', event, isCall: true, hasContent, used: attrs.used, usedEvents };
}

function mapToolCall(span: FlatSpan, attrs: AttributeReader): MappedSpan {
  const usedEvents = new Set<string>();
  const rawArgs = attrs.get('ai.toolCall.args') ?? attrs.get('ai.toolCall.input');
  const rawResult = attrs.get('ai.toolCall.result') ?? attrs.get('ai.toolCall.output');
  const event: ToolCallEvent = { type: 'tool', name: attrs.string('ai.toolCall.name') ?? 'unknown', args: toArgs(rawArgs) };
  const callId = attrs.string('ai.toolCall.id');
  if (callId) event.callId = callId;
  const error = spanError(span, attrs.used, usedEvents);
  if (error) event.error = error;
  else if (rawResult !== undefined) event.result = parseJsonText(rawResult) ?? null;
  Object.assign(event, timing(span));
  return { format: 'vercel-ai', event, isCall: true, hasContent: rawArgs !== undefined || rawResult !== undefined, used: attrs.used, usedEvents };
}

/** `ai.prompt` is `{ prompt }` or `{ system, messages }`: a lone prompt string is the input itself. */
function promptInput(prompt: Json): Json {
  if (isObject(prompt) && typeof prompt['prompt'] === 'string' && Object.keys(prompt).every((k) => k === 'prompt' || prompt[k] == null)) return prompt['prompt'];
  return prompt;
}

/** `ai.settings.temperature` → `params.temperature` (retries are not a model parameter). */
function settings(attributes: JsonObject, used: Set<string>): JsonObject | undefined {
  const params: JsonObject = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith('ai.settings.') || key === 'ai.settings.maxRetries') continue;
    used.add(key);
    params[key.slice('ai.settings.'.length)] = value;
  }
  return Object.keys(params).length > 0 ? params : undefined;
}
