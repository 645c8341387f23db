import type { Json, JsonObject } from '../model/json.js';
import type { ChatMessage, RecordedToolRequest, ToolDefinition } from '../model/case.js';

/**
 * Chat messages arrive in several shapes depending on who wrote the trace; these helpers turn each into the
 * case's `ChatMessage`:
 * - OTel GenAI (newer): `{ role, parts: [{ type: 'text', content }, { type: 'tool_call', id, name, arguments },
 *   { type: 'tool_call_response', id, response }] }`;
 * - OpenAI-style (older GenAI `gen_ai.prompt`, Traceloop, OpenInference after unflattening):
 *   `{ role, content, tool_calls: [{ id, function: { name, arguments } }], tool_call_id }`;
 * - Vercel AI SDK: `{ role, content: string | [{ type: 'text', text }, { type: 'tool-call', toolCallId,
 *   toolName, input }, { type: 'tool-result', toolCallId, toolName, output }] }`.
 */
export function toChatMessages(value: Json | undefined): ChatMessage[] {
  const list = Array.isArray(value) ? value : value !== undefined && value !== null ? [value] : [];
  const out: ChatMessage[] = [];
  for (const item of list) if (isObject(item)) out.push(...toChatMessage(item));
  return out;
}

/** Parses a JSON string attribute; any other value, or text that is not JSON, is returned as it is. */
export function parseJsonText(value: Json | undefined): Json | undefined {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('[') || text.startsWith('"'))) return value;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return value;
  }
}

/** Tool arguments as JSON: a JSON string is parsed (models send arguments as text), anything else kept. */
export function toArgs(value: Json | undefined): Json {
  if (value === undefined) return {};
  const parsed = parseJsonText(value);
  return parsed === undefined ? {} : parsed;
}

/** One source message may hold several tool results (AI SDK): each becomes its own `tool` message. */
function toChatMessage(raw: JsonObject): ChatMessage[] {
  const role = toRole(raw['role']);
  if (Array.isArray(raw['parts'])) return fromParts(role, raw['parts'], raw);
  const content = raw['content'];
  if (Array.isArray(content) && content.some((p) => isObject(p) && typeof p['type'] === 'string')) return fromContentParts(role, content, raw);
  const message: ChatMessage = { role, content: content ?? textOfContents(raw['contents']) ?? '' };
  const calls = toolRequestsOf(raw['tool_calls'] ?? raw['toolCalls']);
  if (calls.length > 0) message.toolCalls = calls;
  const callId = raw['tool_call_id'] ?? raw['toolCallId'] ?? (role === 'tool' ? raw['id'] : undefined);
  if (typeof callId === 'string') message.toolCallId = callId;
  if (typeof raw['name'] === 'string') message.name = raw['name'];
  return [message];
}

function fromParts(role: ChatMessage['role'], parts: Json[], raw: JsonObject): ChatMessage[] {
  const texts: string[] = [];
  const calls: RecordedToolRequest[] = [];
  const results: ChatMessage[] = [];
  const other: Json[] = [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    const type = part['type'];
    if (type === 'text' || type === 'reasoning') {
      if (type === 'text') texts.push(stringOf(part['content'] ?? part['text']));
    } else if (type === 'tool_call') {
      calls.push(toolRequest(part['id'], part['name'], part['arguments']));
    } else if (type === 'tool_call_response') {
      const message: ChatMessage = { role: 'tool', content: parseJsonText(part['response'] ?? part['result'] ?? null) ?? null };
      if (typeof part['id'] === 'string') message.toolCallId = part['id'];
      results.push(message);
    } else {
      other.push(part);
    }
  }
  if (results.length > 0 && texts.length === 0 && calls.length === 0) return results;
  const message: ChatMessage = { role, content: other.length > 0 ? parts : texts.join('') };
  if (calls.length > 0) message.toolCalls = calls;
  if (typeof raw['name'] === 'string') message.name = raw['name'];
  return [message, ...results];
}

function fromContentParts(role: ChatMessage['role'], parts: Json[], raw: JsonObject): ChatMessage[] {
  const texts: string[] = [];
  const calls: RecordedToolRequest[] = [];
  const results: ChatMessage[] = [];
  let onlyKnown = true;
  for (const part of parts) {
    if (!isObject(part)) continue;
    const type = part['type'];
    if (type === 'text') texts.push(stringOf(part['text']));
    else if (type === 'tool-call') calls.push(toolRequest(part['toolCallId'], part['toolName'], part['input'] ?? part['args']));
    else if (type === 'tool-result') {
      const message: ChatMessage = { role: 'tool', content: toolResultValue(part) };
      if (typeof part['toolCallId'] === 'string') message.toolCallId = part['toolCallId'];
      if (typeof part['toolName'] === 'string') message.name = part['toolName'];
      results.push(message);
    } else if (type !== 'reasoning') onlyKnown = false;
  }
  if (results.length > 0 && texts.length === 0 && calls.length === 0) return results;
  // Images, files and other parts stay as they were: the text alone would lose them.
  const message: ChatMessage = { role, content: onlyKnown ? texts.join('') : parts };
  if (calls.length > 0) message.toolCalls = calls;
  if (typeof raw['name'] === 'string') message.name = raw['name'];
  return [message, ...results];
}

/** AI SDK tool results: `output: { type: 'json' | 'text' | 'error-text' | …, value }` (v5+) or `result` (v4). */
function toolResultValue(part: JsonObject): Json {
  const output = part['output'];
  if (isObject(output) && 'value' in output && typeof output['type'] === 'string') {
    const value = output['value'] ?? null;
    if (output['type'] === 'error-text' || output['type'] === 'error-json') return { error: { message: stringOf(value) } };
    return value;
  }
  return parseJsonText(output ?? part['result'] ?? null) ?? null;
}

/** `tool_calls` in any of the shapes above. */
export function toolRequestsOf(value: Json | undefined): RecordedToolRequest[] {
  const list = parseJsonText(value);
  if (!Array.isArray(list)) return [];
  const out: RecordedToolRequest[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    const fn = isObject(item['function']) ? item['function'] : isObject(item['tool_call']) ? item['tool_call'] : undefined;
    const inner = fn && isObject(fn['function']) ? fn['function'] : fn;
    const id = item['id'] ?? item['toolCallId'] ?? fn?.['id'];
    const name = inner?.['name'] ?? item['name'] ?? item['toolName'];
    const args = inner?.['arguments'] ?? item['arguments'] ?? item['input'] ?? item['args'];
    out.push(toolRequest(id, name, args));
  }
  return out;
}

function toolRequest(id: Json | undefined, name: Json | undefined, args: Json | undefined): RecordedToolRequest {
  const request: RecordedToolRequest = { name: typeof name === 'string' ? name : 'unknown', args: toArgs(args) };
  if (typeof id === 'string' && id) request.id = id;
  return request;
}

/** Tool definitions: OpenAI-style `{ type: 'function', function: { name, parameters } }`, AI SDK `{ name, inputSchema }`, plain `{ name, parameters }`. JSON strings are parsed. */
export function toToolDefinitions(value: Json | undefined): ToolDefinition[] {
  const parsed = parseJsonText(value);
  const list = Array.isArray(parsed) ? parsed : [];
  const out: ToolDefinition[] = [];
  for (const raw of list) {
    const item = parseJsonText(raw);
    if (!isObject(item)) continue;
    const fn = isObject(item['function']) ? item['function'] : isObject(item['tool']) ? item['tool'] : item;
    const name = fn['name'];
    if (typeof name !== 'string') continue;
    const def: ToolDefinition = { name };
    if (typeof fn['description'] === 'string') def.description = fn['description'];
    const parameters = fn['parameters'] ?? fn['inputSchema'] ?? fn['input_schema'] ?? fn['json_schema'];
    if (parameters !== undefined) def.parameters = parseJsonText(parameters) ?? null;
    out.push(def);
  }
  return out;
}

/** Text of a message content: a string, or the text parts joined. */
export function textOf(content: Json | undefined): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.flatMap((p) => (isObject(p) && typeof (p['text'] ?? p['content']) === 'string' ? [String(p['text'] ?? p['content'])] : typeof p === 'string' ? [p] : []));
    return texts.length > 0 ? texts.join('') : undefined;
  }
  return undefined;
}

/** OpenInference `message.contents.{i}.message_content.text`, unflattened. */
function textOfContents(value: Json | undefined): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const texts = value.flatMap((c) => {
    const inner = isObject(c) && isObject(c['message_content']) ? c['message_content'] : c;
    return isObject(inner) && typeof inner['text'] === 'string' ? [inner['text']] : [];
  });
  return texts.length > 0 ? texts.join('') : undefined;
}

function toRole(value: Json | undefined): ChatMessage['role'] {
  switch (value) {
    case 'system':
    case 'developer':
      return 'system';
    case 'assistant':
    case 'model':
    case 'ai':
      return 'assistant';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool';
    default:
      return 'user';
  }
}

function stringOf(value: Json | undefined): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rebuilds nested values from flattened attributes (`llm.input_messages.0.message.role`): segments that are
 * numbers become array indexes. Returns undefined when no attribute starts with `prefix`.
 */
export function unflatten(attributes: JsonObject, prefix: string, used?: Set<string>): Json | undefined {
  let root: Json | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(prefix)) continue;
    used?.add(key);
    const segments = key.slice(prefix.length).split('.');
    root ??= /^\d+$/.test(segments[0] ?? '') ? [] : {};
    let node: Json = root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const last = i === segments.length - 1;
      const nextIsIndex = /^\d+$/.test(segments[i + 1] ?? '');
      const container = node as Record<string, Json>;
      if (last) container[segment] = value;
      else {
        if (!isObject(container[segment]) && !Array.isArray(container[segment])) container[segment] = nextIsIndex ? [] : {};
        node = container[segment]!;
      }
    }
  }
  if (Array.isArray(root)) return root.filter((item) => item !== undefined && item !== null);
  return root;
}
