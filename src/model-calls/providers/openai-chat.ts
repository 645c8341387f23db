import type { ModelCallEvent, RecordedToolRequest } from '../../model/case.js';
import type { SseEvent } from '../sse.js';
import { argsText, isObject, num, parseArgsText, syntheticId, textDeltas, tokens, usageOf, type Loose, type ProviderAdapter, type ReadResponse } from './adapter.js';

const FINISH = new Set(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

/** OpenAI Chat Completions (`POST /chat/completions`), also spoken by most OpenAI-compatible gateways. */
export const openaiChat: ProviderAdapter = {
  provider: 'openai',
  api: 'openai.chat',

  jsonBody(event, n) {
    const { text, toolCalls } = event.response;
    const message: Loose = { role: 'assistant', content: text ?? null, refusal: null };
    if (toolCalls?.length) message['tool_calls'] = toolCalls.map((call, i) => ({ id: callId(call, n, i), type: 'function', function: { name: call.name, arguments: argsText(call) } }));
    return {
      id: event.id ?? syntheticId('chatcmpl-', n),
      object: 'chat.completion',
      created: 0,
      model: event.model ?? 'unknown',
      choices: [{ index: 0, message, finish_reason: finishReason(event), logprobs: null }],
      usage: usageBody(event),
    };
  },

  sseEvents(event, n) {
    const base = { id: event.id ?? syntheticId('chatcmpl-', n), object: 'chat.completion.chunk', created: 0, model: event.model ?? 'unknown' };
    const chunk = (delta: Loose, finish: string | null = null): SseEvent => ({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) });
    const events: SseEvent[] = [chunk({ role: 'assistant', content: '' })];
    for (const piece of textDeltas(event.response.text ?? '')) events.push(chunk({ content: piece }));
    (event.response.toolCalls ?? []).forEach((call, i) => {
      events.push(chunk({ tool_calls: [{ index: i, id: callId(call, n, i), type: 'function', function: { name: call.name, arguments: '' } }] }));
      events.push(chunk({ tool_calls: [{ index: i, function: { arguments: argsText(call) } }] }));
    });
    events.push(chunk({}, finishReason(event)));
    // Usage arrives in a last chunk with no choices, as with `stream_options: { include_usage: true }`.
    if (event.response.usage) events.push({ data: JSON.stringify({ ...base, choices: [], usage: usageBody(event) }) });
    events.push({ data: '[DONE]' });
    return events;
  },

  readJson(body) {
    const out: ReadResponse = {};
    if (!isObject(body)) return out;
    if (typeof body['id'] === 'string') out.id = body['id'];
    if (typeof body['model'] === 'string') out.model = body['model'];
    const choice = Array.isArray(body['choices']) && isObject(body['choices'][0]) ? body['choices'][0] : undefined;
    const message = choice && isObject(choice['message']) ? choice['message'] : undefined;
    if (message && typeof message['content'] === 'string') out.text = message['content'];
    if (message && Array.isArray(message['tool_calls']) && message['tool_calls'].length > 0) out.toolCalls = message['tool_calls'].map(readToolCall);
    if (choice && typeof choice['finish_reason'] === 'string') out.finishReason = choice['finish_reason'];
    const usage = readUsage(body['usage']);
    if (usage) out.usage = usage;
    return out;
  },

  readSse(events) {
    const out: ReadResponse = {};
    let text = '';
    const calls: { id?: string; name: string; args: string }[] = [];
    for (const event of events) {
      if (event.data === '[DONE]') continue;
      let chunk: unknown;
      try {
        chunk = JSON.parse(event.data);
      } catch {
        continue;
      }
      if (!isObject(chunk)) continue;
      if (typeof chunk['id'] === 'string') out.id = chunk['id'];
      if (typeof chunk['model'] === 'string') out.model = chunk['model'];
      const usage = readUsage(chunk['usage']);
      if (usage) out.usage = usage;
      const choice = Array.isArray(chunk['choices']) && isObject(chunk['choices'][0]) ? chunk['choices'][0] : undefined;
      if (!choice) continue;
      if (typeof choice['finish_reason'] === 'string') out.finishReason = choice['finish_reason'];
      const delta = isObject(choice['delta']) ? choice['delta'] : {};
      if (typeof delta['content'] === 'string') text += delta['content'];
      for (const raw of Array.isArray(delta['tool_calls']) ? delta['tool_calls'] : []) {
        if (!isObject(raw)) continue;
        const index = num(raw['index']) ?? calls.length;
        const slot = (calls[index] ??= { name: '', args: '' });
        if (typeof raw['id'] === 'string') slot.id = raw['id'];
        const fn = isObject(raw['function']) ? raw['function'] : {};
        if (typeof fn['name'] === 'string') slot.name += fn['name'];
        if (typeof fn['arguments'] === 'string') slot.args += fn['arguments'];
      }
    }
    if (text) out.text = text;
    const toolCalls = calls.filter(Boolean).map((c) => ({ ...(c.id !== undefined && { id: c.id }), name: c.name, args: parseArgsText(c.args) }));
    if (toolCalls.length > 0) out.toolCalls = toolCalls;
    return out;
  },
};

function callId(call: RecordedToolRequest, n: number, i: number): string {
  return call.id ?? `call_rehearse_${n}_${i}`;
}

function finishReason(event: ModelCallEvent): string {
  const reason = event.response.finishReason;
  if (reason && FINISH.has(reason)) return reason;
  if (reason === 'max_tokens') return 'length';
  return event.response.toolCalls?.length ? 'tool_calls' : 'stop';
}

function usageBody(event: ModelCallEvent): Loose {
  const t = tokens(event.response.usage);
  return { prompt_tokens: t.input, completion_tokens: t.output, total_tokens: t.input + t.output, prompt_tokens_details: { cached_tokens: t.cached } };
}

function readToolCall(raw: unknown): RecordedToolRequest {
  const call = isObject(raw) ? raw : {};
  const fn = isObject(call['function']) ? call['function'] : {};
  const out: RecordedToolRequest = { name: String(fn['name'] ?? 'unknown'), args: parseArgsText(typeof fn['arguments'] === 'string' ? fn['arguments'] : '') };
  if (typeof call['id'] === 'string') out.id = call['id'];
  return out;
}

function readUsage(raw: unknown): ReturnType<typeof usageOf> {
  if (!isObject(raw)) return undefined;
  const details = isObject(raw['prompt_tokens_details']) ? raw['prompt_tokens_details'] : {};
  return usageOf(num(raw['prompt_tokens']), num(raw['completion_tokens']), num(details['cached_tokens']));
}
