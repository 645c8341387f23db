import type { ChatMessage, ModelCallEvent, RecordedToolRequest, ToolDefinition, Usage } from '../model/case.js';
import type { Json, JsonObject } from '../model/json.js';
import { toJsonValue } from './json-value.js';

/*
 * Default mapping from the request and response objects of the common chat APIs to a timeline model event:
 * OpenAI Chat Completions, OpenAI Responses, and Anthropic Messages, which covers their official SDKs and
 * most OpenAI-compatible clients. Anything else needs the `request`/`response` options of recordableModel.
 */

/** What a model call's request maps to: the event's request, plus the model id when the request names it. */
export type MappedRequest = ModelCallEvent['request'] & { model?: string };
/** What a model call's response maps to: the event's response, plus ids the response carries. */
export type MappedResponse = ModelCallEvent['response'] & { id?: string; model?: string };

type Loose = Record<string, unknown>;

const REQUEST_SHAPE_KEYS = new Set(['messages', 'input', 'tools', 'model', 'system', 'stream', 'instructions']);

/** Maps a chat-shaped request body (first argument of `chat.completions.create`, `messages.create`, `responses.create`). */
export function mapChatRequest(body: unknown): MappedRequest {
  if (!isObject(body)) return { messages: [{ role: 'user', content: toJsonValue(body) }] };
  const messages: ChatMessage[] = [];
  const system = body['system'] ?? body['instructions'];
  if (system !== undefined) messages.push({ role: 'system', content: toJsonValue(system) });
  const list = Array.isArray(body['messages']) ? body['messages'] : Array.isArray(body['input']) ? body['input'] : undefined;
  if (list) for (const m of list) messages.push(mapMessage(m));
  else if (typeof body['input'] === 'string') messages.push({ role: 'user', content: body['input'] });
  const request: MappedRequest = { messages };
  if (Array.isArray(body['tools'])) request.tools = body['tools'].map(mapToolDefinition);
  const params: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (REQUEST_SHAPE_KEYS.has(key) || value === undefined) continue;
    params[key] = toJsonValue(value);
  }
  if (Object.keys(params).length > 0) request.params = params;
  if (typeof body['model'] === 'string') request.model = body['model'];
  return request;
}

function mapMessage(raw: unknown): ChatMessage {
  if (!isObject(raw)) return { role: 'user', content: toJsonValue(raw) };
  const message: ChatMessage = { role: mapRole(raw['role'], raw['type']), content: toJsonValue(raw['content'] ?? raw['output'] ?? null) };
  const callId = raw['tool_call_id'] ?? raw['toolCallId'] ?? raw['call_id'];
  if (typeof callId === 'string') message.toolCallId = callId;
  if (Array.isArray(raw['tool_calls'])) message.toolCalls = raw['tool_calls'].map(mapOpenAIToolCall);
  if (typeof raw['name'] === 'string') message.name = raw['name'];
  return message;
}

function mapRole(role: unknown, type: unknown): ChatMessage['role'] {
  if (role === 'system' || role === 'developer') return 'system';
  if (role === 'assistant' || role === 'tool' || role === 'user') return role;
  if (type === 'function_call_output') return 'tool';
  if (type === 'function_call') return 'assistant';
  return 'user';
}

function mapToolDefinition(raw: unknown): ToolDefinition {
  if (!isObject(raw)) return { name: String(raw) };
  const fn = isObject(raw['function']) ? raw['function'] : raw;
  const definition: ToolDefinition = { name: String(fn['name'] ?? 'unknown') };
  if (typeof fn['description'] === 'string') definition.description = fn['description'];
  const parameters = fn['parameters'] ?? fn['input_schema'] ?? fn['inputSchema'];
  if (parameters !== undefined) definition.parameters = toJsonValue(parameters);
  return definition;
}

function mapOpenAIToolCall(raw: unknown): RecordedToolRequest {
  const call = isObject(raw) ? raw : {};
  const fn = isObject(call['function']) ? call['function'] : call;
  const request: RecordedToolRequest = { name: String(fn['name'] ?? 'unknown'), args: parseArgs(fn['arguments'] ?? fn['input']) };
  const id = call['id'] ?? call['call_id'];
  if (typeof id === 'string') request.id = id;
  return request;
}

/** Maps a chat-shaped response (OpenAI Chat Completions or Responses, Anthropic Messages, or plain text). */
export function mapChatResponse(result: unknown): MappedResponse {
  if (typeof result === 'string') return { text: result };
  if (!isObject(result)) return {};
  const response: MappedResponse = {};
  if (typeof result['id'] === 'string') response.id = result['id'];
  if (typeof result['model'] === 'string') response.model = result['model'];
  const choice = Array.isArray(result['choices']) && isObject(result['choices'][0]) ? result['choices'][0] : undefined;
  if (choice) {
    const message = isObject(choice['message']) ? choice['message'] : {};
    if (typeof message['content'] === 'string') response.text = message['content'];
    if (Array.isArray(message['tool_calls']) && message['tool_calls'].length > 0) response.toolCalls = message['tool_calls'].map(mapOpenAIToolCall);
    if (typeof choice['finish_reason'] === 'string') response.finishReason = choice['finish_reason'];
  } else if (Array.isArray(result['content'])) {
    const text = result['content'].filter((b) => isObject(b) && b['type'] === 'text').map((b) => String((b as Loose)['text']));
    if (text.length > 0) response.text = text.join('');
    const uses = result['content'].filter((b): b is Loose => isObject(b) && b['type'] === 'tool_use');
    if (uses.length > 0) response.toolCalls = uses.map((b) => ({ id: String(b['id']), name: String(b['name']), args: toJsonValue(b['input']) }));
    if (typeof result['stop_reason'] === 'string') response.finishReason = result['stop_reason'];
  } else if (Array.isArray(result['output'])) {
    if (typeof result['output_text'] === 'string') response.text = result['output_text'];
    const calls = result['output'].filter((o): o is Loose => isObject(o) && o['type'] === 'function_call');
    if (calls.length > 0) response.toolCalls = calls.map(mapOpenAIToolCall);
    if (typeof result['status'] === 'string') response.finishReason = result['status'];
  } else if (typeof result['text'] === 'string') {
    response.text = result['text'];
  }
  const usage = mapUsage(result['usage']);
  if (usage) response.usage = usage;
  return response;
}

function mapUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const usage: Usage = {};
  const input = raw['prompt_tokens'] ?? raw['input_tokens'] ?? raw['inputTokens'];
  const output = raw['completion_tokens'] ?? raw['output_tokens'] ?? raw['outputTokens'];
  const total = raw['total_tokens'] ?? raw['totalTokens'];
  const details = raw['prompt_tokens_details'] ?? raw['input_tokens_details'];
  const cached = (isObject(details) ? details['cached_tokens'] : undefined) ?? raw['cache_read_input_tokens'];
  if (typeof input === 'number') usage.inputTokens = input;
  if (typeof output === 'number') usage.outputTokens = output;
  if (typeof cached === 'number') usage.cachedInputTokens = cached;
  if (typeof total === 'number') usage.totalTokens = total;
  else if (typeof input === 'number' && typeof output === 'number') usage.totalTokens = input + output;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** Tool-call arguments arrive as a JSON string from OpenAI; keep the string when it is not valid JSON. */
function parseArgs(raw: unknown): Json {
  if (typeof raw !== 'string') return toJsonValue(raw ?? {});
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
