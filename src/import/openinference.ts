import type { Json } from '../model/json.js';
import type { ModelCallEvent, ToolCallEvent } from '../model/case.js';
import type { FlatSpan } from './otlp.js';
import { isObject, parseJsonText, textOf, toArgs, toChatMessages, toToolDefinitions, unflatten } from './messages.js';
import { AttributeReader, spanError, timing, usageOf, type MappedSpan } from './span-mapping.js';

/** What OpenInference instrumentations write in place of content hidden by configuration. */
const HIDDEN = '__REDACTED__';

/** True when a span follows the OpenInference conventions (Arize Phoenix). */
export function isOpenInferenceSpan(span: FlatSpan): boolean {
  return typeof span.attributes['openinference.span.kind'] === 'string';
}

/**
 * Maps an OpenInference span: `LLM` → model event (`llm.input_messages.{i}.message.*`,
 * `llm.output_messages…`, `llm.model_name`, `llm.token_count.*`), `TOOL` → tool event (`tool.name`, arguments
 * from `input.value` or `tool.parameters`, result from `output.value`); `CHAIN` / `AGENT` give input and output.
 */
export function mapOpenInferenceSpan(original: FlatSpan): MappedSpan {
  // With OPENINFERENCE_HIDE_* set, instrumentations write this marker instead of the content: it is no content.
  // The marked attributes stay out of the mapping and so end up in the source bag as they were.
  const span = { ...original, attributes: Object.fromEntries(Object.entries(original.attributes).filter(([, v]) => v !== HIDDEN)) };
  const attrs = new AttributeReader(span.attributes);
  const kind = (attrs.string('openinference.span.kind') ?? '').toUpperCase();
  const input = attrs.get('input.value');
  const output = attrs.get('output.value');
  attrs.get('input.mime_type');
  attrs.get('output.mime_type');
  if (kind === 'TOOL') return mapTool(span, attrs, input, output);
  if (kind === 'LLM') return mapLlm(span, attrs);
  const mapped: MappedSpan = { format: 'openinference', isCall: false, hasContent: input !== undefined || output !== undefined, used: attrs.used };
  if (input !== undefined) mapped.input = parseJsonText(input) ?? null;
  if (output !== undefined) mapped.output = parseJsonText(output) ?? null;
  return mapped;
}

function mapLlm(span: FlatSpan, attrs: AttributeReader): MappedSpan {
  const inputMessages = toChatMessages(unflattenMessages(unflatten(span.attributes, 'llm.input_messages.', attrs.used)));
  const outputMessages = toChatMessages(unflattenMessages(unflatten(span.attributes, 'llm.output_messages.', attrs.used)));
  const event: ModelCallEvent = { type: 'model', request: { messages: inputMessages }, response: {} };
  const provider = attrs.string('llm.provider', 'llm.system');
  if (provider) event.provider = provider;
  const model = attrs.string('llm.model_name');
  if (model) event.model = model;
  const tools = toToolDefinitions(unflattenTools(unflatten(span.attributes, 'llm.tools.', attrs.used)));
  if (tools.length > 0) event.request.tools = tools;
  const params = parseJsonText(attrs.get('llm.invocation_parameters'));
  if (isObject(params)) event.request.params = params;
  const answer = outputMessages.find((m) => m.role === 'assistant') ?? outputMessages[0];
  const text = answer ? textOf(answer.content) : undefined;
  if (text) event.response.text = text;
  if (answer?.toolCalls?.length) event.response.toolCalls = answer.toolCalls;
  const usage = usageOf(
    attrs.number('llm.token_count.prompt'),
    attrs.number('llm.token_count.completion'),
    attrs.number('llm.token_count.total'),
    attrs.number('llm.token_count.prompt_details.cache_read'),
  );
  if (usage) event.response.usage = usage;
  const usedEvents = new Set<string>();
  if (spanError(span, attrs.used, usedEvents)) event.response.finishReason = 'error';
  Object.assign(event, timing(span));
  const hasContent = inputMessages.length > 0 || outputMessages.length > 0;
  return { format: 'openinference', event, isCall: true, hasContent, used: attrs.used, usedEvents };
}

function mapTool(span: FlatSpan, attrs: AttributeReader, input: Json | undefined, output: Json | undefined): MappedSpan {
  const usedEvents = new Set<string>();
  const name = attrs.string('tool.name', 'tool_call.function.name') ?? span.name;
  // `tool.parameters` is the tool's schema in newer OpenInference and the call's arguments in older traces.
  const rawArgs = input ?? attrs.get('tool_call.function.arguments') ?? attrs.get('tool.parameters');
  const event: ToolCallEvent = { type: 'tool', name, args: toArgs(rawArgs) };
  const callId = attrs.string('tool_call.id', 'tool.id');
  if (callId) event.callId = callId;
  attrs.get('tool.description');
  const error = spanError(span, attrs.used, usedEvents);
  if (error) event.error = error;
  else if (output !== undefined) event.result = parseJsonText(output) ?? null;
  Object.assign(event, timing(span));
  return { format: 'openinference', event, isCall: true, hasContent: rawArgs !== undefined || output !== undefined, used: attrs.used, usedEvents };
}

/** `[{ message: { role, content, tool_calls: [{ tool_call: { id, function } }] } }]` → plain message objects. */
function unflattenMessages(value: Json | undefined): Json {
  if (!Array.isArray(value)) return [];
  return value.map((item) => (isObject(item) && isObject(item['message']) ? item['message'] : item));
}

/** `[{ tool: { json_schema: '…' } }]` → the schemas. */
function unflattenTools(value: Json | undefined): Json {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    const tool = isObject(item) && isObject(item['tool']) ? item['tool'] : item;
    return isObject(tool) && tool['json_schema'] !== undefined ? (parseJsonText(tool['json_schema']) ?? null) : tool;
  });
}
