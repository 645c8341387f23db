import type { ChatMessage, ModelCallEvent, RecordedToolRequest, ToolDefinition, Usage } from '../model/case.js';
import type { Json, JsonObject } from '../model/json.js';
import { toJsonValue } from '../capture/json-value.js';
import { parseArgsText } from './providers/adapter.js';

/*
 * The few AI SDK (LanguageModelV3, `ai` 6) shapes the middleware reads and writes, declared structurally
 * so that neither `ai` nor `@ai-sdk/provider` is loaded (or needed) by rehearse itself.
 */

type Loose = Record<string, unknown>;

export interface V3Usage {
  inputTokens: { total: number | undefined; noCache: number | undefined; cacheRead: number | undefined; cacheWrite: number | undefined };
  outputTokens: { total: number | undefined; text: number | undefined; reasoning: number | undefined };
}

export interface V3FinishReason {
  unified: 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
  raw: string | undefined;
}

export interface V3GenerateResult {
  content: Loose[];
  finishReason: V3FinishReason;
  usage: V3Usage;
  warnings: unknown[];
  response?: Loose;
  [key: string]: unknown;
}

export interface V3CallOptions {
  prompt: Loose[];
  tools?: Loose[];
  [key: string]: unknown;
}

/** Call options that carry transport, not meaning: never part of the request. */
const TRANSPORT = new Set(['prompt', 'tools', 'abortSignal', 'headers', 'includeRawChunks']);

/** Maps AI SDK call options to a timeline model request (messages, tools, answer-changing params). */
export function mapV3Request(params: V3CallOptions): ModelCallEvent['request'] {
  const messages: ChatMessage[] = [];
  for (const message of params.prompt ?? []) messages.push(...mapV3Message(message));
  const request: ModelCallEvent['request'] = { messages };
  const tools = (params.tools ?? []).map(mapV3Tool);
  if (tools.length > 0) request.tools = tools;
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(params)) if (!TRANSPORT.has(key) && value !== undefined) rest[key] = toJsonValue(value);
  if (Object.keys(rest).length > 0) request.params = rest;
  return request;
}

function mapV3Message(message: Loose): ChatMessage[] {
  const role = message['role'];
  const content = message['content'];
  if (role === 'system') return [{ role: 'system', content: toJsonValue(content) }];
  const parts = Array.isArray(content) ? (content as Loose[]) : [];
  if (role === 'tool') {
    return parts.map((part) => {
      const out: ChatMessage = { role: 'tool', content: toJsonValue(part['output'] ?? null) };
      if (typeof part['toolCallId'] === 'string') out.toolCallId = part['toolCallId'];
      if (typeof part['toolName'] === 'string') out.name = part['toolName'];
      return out;
    });
  }
  const calls = parts.filter((p) => p['type'] === 'tool-call');
  const others = parts.filter((p) => p['type'] !== 'tool-call');
  const text = others.every((p) => p['type'] === 'text') ? others.map((p) => String(p['text'] ?? '')).join('') : undefined;
  const out: ChatMessage = {
    role: role === 'assistant' ? 'assistant' : 'user',
    content: text ?? toJsonValue(others.map(({ providerOptions: _drop, ...p }) => p)),
  };
  if (calls.length > 0) {
    out.toolCalls = calls.map((c) => ({ id: String(c['toolCallId']), name: String(c['toolName']), args: toJsonValue(typeof c['input'] === 'string' ? parseArgsText(c['input']) : c['input']) }));
  }
  return [out];
}

function mapV3Tool(tool: Loose): ToolDefinition {
  const out: ToolDefinition = { name: String(tool['name'] ?? tool['id'] ?? 'unknown') };
  if (typeof tool['description'] === 'string') out.description = tool['description'];
  if (tool['inputSchema'] !== undefined) out.parameters = toJsonValue(tool['inputSchema']);
  return out;
}

/** Reads a generate result (or the parts of a stream) back into a timeline response. */
export function readV3Content(content: readonly Loose[], finishReason: V3FinishReason | undefined, usage: V3Usage | undefined): ModelCallEvent['response'] {
  const response: ModelCallEvent['response'] = {};
  const text = content.filter((p) => p['type'] === 'text').map((p) => String(p['text'] ?? '')).join('');
  if (text) response.text = text;
  const calls: RecordedToolRequest[] = content
    .filter((p) => p['type'] === 'tool-call')
    .map((p) => ({ id: String(p['toolCallId']), name: String(p['toolName']), args: typeof p['input'] === 'string' ? parseArgsText(p['input']) : toJsonValue(p['input']) }));
  if (calls.length > 0) response.toolCalls = calls;
  if (finishReason) response.finishReason = finishReason.unified;
  const read = usage ? fromV3Usage(usage) : undefined;
  if (read) response.usage = read;
  return response;
}

function fromV3Usage(usage: V3Usage): Usage | undefined {
  const out: Usage = {};
  const input = usage.inputTokens?.total;
  const output = usage.outputTokens?.total;
  const cached = usage.inputTokens?.cacheRead;
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cached) out.cachedInputTokens = cached;
  if (input !== undefined || output !== undefined) out.totalTokens = (input ?? 0) + (output ?? 0);
  return Object.keys(out).length > 0 ? out : undefined;
}

export function toV3Usage(usage: Usage | undefined): V3Usage {
  const cached = usage?.cachedInputTokens;
  const input = usage?.inputTokens;
  return {
    inputTokens: { total: input, noCache: input !== undefined ? input - (cached ?? 0) : undefined, cacheRead: cached, cacheWrite: undefined },
    outputTokens: { total: usage?.outputTokens, text: undefined, reasoning: undefined },
  };
}

const UNIFIED = new Set(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other']);
const ALIASES: Record<string, V3FinishReason['unified']> = { tool_calls: 'tool-calls', tool_use: 'tool-calls', end_turn: 'stop', max_tokens: 'length', content_filter: 'content-filter', completed: 'stop' };

export function toV3FinishReason(event: ModelCallEvent): V3FinishReason {
  const raw = event.response.finishReason;
  const unified = raw && UNIFIED.has(raw) ? (raw as V3FinishReason['unified']) : raw ? (ALIASES[raw] ?? 'other') : event.response.toolCalls?.length ? 'tool-calls' : 'stop';
  return { unified, raw };
}

/** The content parts of a recorded answer. */
export function toV3Content(event: ModelCallEvent, n: number): Loose[] {
  const content: Loose[] = [];
  if (event.response.text) content.push({ type: 'text', text: event.response.text });
  (event.response.toolCalls ?? []).forEach((call, i) => {
    content.push({ type: 'tool-call', toolCallId: call.id ?? `call_rehearse_${n}_${i}`, toolName: call.name, input: typeof call.args === 'string' ? call.args : JSON.stringify(call.args) });
  });
  return content;
}

/** The stream parts of a recorded answer, in the order a provider streams them. */
export function toV3StreamParts(event: ModelCallEvent, n: number, textDeltas: (text: string) => string[]): Loose[] {
  const parts: Loose[] = [{ type: 'stream-start', warnings: [] }];
  for (const part of toV3Content(event, n)) {
    if (part['type'] === 'text') {
      const id = `text_${n}`;
      parts.push({ type: 'text-start', id });
      for (const delta of textDeltas(String(part['text']))) parts.push({ type: 'text-delta', id, delta });
      parts.push({ type: 'text-end', id });
    } else {
      const id = String(part['toolCallId']);
      parts.push({ type: 'tool-input-start', id, toolName: part['toolName'] });
      parts.push({ type: 'tool-input-delta', id, delta: part['input'] });
      parts.push({ type: 'tool-input-end', id });
      parts.push(part);
    }
  }
  parts.push({ type: 'finish', usage: toV3Usage(event.response.usage), finishReason: toV3FinishReason(event) });
  return parts;
}

/** JSON cannot carry Dates: the SDK's response timestamps come back as Date objects. */
export function reviveDates<T extends Loose>(value: T): T {
  if (typeof value['timestamp'] === 'string') return { ...value, timestamp: new Date(value['timestamp']) };
  return value;
}

export type { Json };
