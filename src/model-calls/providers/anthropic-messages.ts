import type { ModelCallEvent } from '../../model/case.js';
import type { SseEvent } from '../sse.js';
import { isObject, num, parseArgsText, syntheticId, textDeltas, tokens, usageOf, argsText, type Loose, type ProviderAdapter, type ReadResponse } from './adapter.js';

const STOP = new Set(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal']);

/**
 * Anthropic Messages (`POST /v1/messages`). Anthropic counts cache reads apart from `input_tokens`; the
 * timeline's `inputTokens` includes them (as OpenAI's does), so both providers' usage adds up alike.
 */
export const anthropicMessages: ProviderAdapter = {
  provider: 'anthropic',
  api: 'anthropic.messages',

  jsonBody(event, n) {
    return { ...messageShell(event, n), content: contentBlocks(event, n), stop_reason: stopReason(event), usage: usageBody(event) };
  },

  sseEvents(event, n) {
    const events: SseEvent[] = [];
    const emit = (type: string, fields: Loose): void => void events.push({ event: type, data: JSON.stringify({ type, ...fields }) });
    const usage = usageBody(event);
    emit('message_start', { message: { ...messageShell(event, n), content: [], stop_reason: null, usage: { ...usage, output_tokens: 0 } } });
    contentBlocks(event, n).forEach((block, index) => {
      if (block['type'] === 'text') {
        emit('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const text of textDeltas(String(block['text']))) emit('content_block_delta', { index, delta: { type: 'text_delta', text } });
      } else {
        emit('content_block_start', { index, content_block: { ...block, input: {} } });
        emit('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block['input']) } });
      }
      emit('content_block_stop', { index });
    });
    emit('message_delta', { delta: { stop_reason: stopReason(event), stop_sequence: null }, usage: { output_tokens: usage['output_tokens'] } });
    emit('message_stop', {});
    return events;
  },

  readJson(body) {
    const out: ReadResponse = {};
    if (!isObject(body)) return out;
    readShell(body, out);
    const blocks = Array.isArray(body['content']) ? body['content'].filter(isObject) : [];
    const text = blocks.filter((b) => b['type'] === 'text').map((b) => String(b['text'] ?? '')).join('');
    if (text) out.text = text;
    const uses = blocks.filter((b) => b['type'] === 'tool_use');
    if (uses.length > 0) out.toolCalls = uses.map((b) => ({ id: String(b['id']), name: String(b['name']), args: (b['input'] ?? {}) as ModelCallEvent['request']['messages'][number]['content'] }));
    if (typeof body['stop_reason'] === 'string') out.finishReason = body['stop_reason'];
    const usage = readUsage(body['usage']);
    if (usage) out.usage = usage;
    return out;
  },

  readSse(events) {
    const out: ReadResponse = {};
    const blocks: { type: string; text: string; id?: string; name?: string; json: string }[] = [];
    let usage: Loose = {};
    for (const event of events) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        continue;
      }
      if (!isObject(data)) continue;
      const index = num(data['index']) ?? 0;
      switch (data['type']) {
        case 'message_start':
          if (isObject(data['message'])) {
            readShell(data['message'], out);
            if (isObject(data['message']['usage'])) usage = { ...data['message']['usage'] };
          }
          break;
        case 'content_block_start': {
          const block = isObject(data['content_block']) ? data['content_block'] : {};
          blocks[index] = { type: String(block['type']), text: String(block['text'] ?? ''), json: '', ...(typeof block['id'] === 'string' && { id: block['id'] }), ...(typeof block['name'] === 'string' && { name: block['name'] }) };
          break;
        }
        case 'content_block_delta': {
          const delta = isObject(data['delta']) ? data['delta'] : {};
          const slot = (blocks[index] ??= { type: 'text', text: '', json: '' });
          if (typeof delta['text'] === 'string') slot.text += delta['text'];
          if (typeof delta['partial_json'] === 'string') slot.json += delta['partial_json'];
          break;
        }
        case 'message_delta':
          if (isObject(data['delta']) && typeof data['delta']['stop_reason'] === 'string') out.finishReason = data['delta']['stop_reason'];
          if (isObject(data['usage'])) usage = { ...usage, ...data['usage'] };
          break;
      }
    }
    const text = blocks.filter((b) => b?.type === 'text').map((b) => b.text).join('');
    if (text) out.text = text;
    const uses = blocks.filter((b) => b?.type === 'tool_use');
    if (uses.length > 0) out.toolCalls = uses.map((b) => ({ ...(b.id !== undefined && { id: b.id }), name: b.name ?? 'unknown', args: parseArgsText(b.json) }));
    const read = readUsage(usage);
    if (read) out.usage = read;
    return out;
  },
};

function messageShell(event: ModelCallEvent, n: number): Loose {
  return { id: event.id ?? syntheticId('msg_', n), type: 'message', role: 'assistant', model: event.model ?? 'unknown', stop_sequence: null };
}

function contentBlocks(event: ModelCallEvent, n: number): Loose[] {
  const blocks: Loose[] = [];
  if (event.response.text) blocks.push({ type: 'text', text: event.response.text });
  (event.response.toolCalls ?? []).forEach((call, i) => {
    blocks.push({ type: 'tool_use', id: call.id ?? `toolu_rehearse_${n}_${i}`, name: call.name, input: JSON.parse(argsTextOrObject(argsText(call))) });
  });
  return blocks;
}

/** Anthropic's `input` must be an object; arguments recorded as non-JSON text are wrapped. */
function argsTextOrObject(text: string): string {
  try {
    const parsed = JSON.parse(text) as unknown;
    return isObject(parsed) ? text : JSON.stringify({ value: parsed });
  } catch {
    return JSON.stringify({ value: text });
  }
}

function stopReason(event: ModelCallEvent): string {
  const reason = event.response.finishReason;
  if (reason && STOP.has(reason)) return reason;
  if (reason === 'length') return 'max_tokens';
  return event.response.toolCalls?.length ? 'tool_use' : 'end_turn';
}

function usageBody(event: ModelCallEvent): Loose {
  const t = tokens(event.response.usage);
  return { input_tokens: Math.max(0, t.input - t.cached), output_tokens: t.output, cache_read_input_tokens: t.cached, cache_creation_input_tokens: 0 };
}

function readShell(body: Loose, out: ReadResponse): void {
  if (typeof body['id'] === 'string') out.id = body['id'];
  if (typeof body['model'] === 'string') out.model = body['model'];
}

function readUsage(raw: unknown): ReturnType<typeof usageOf> {
  if (!isObject(raw)) return undefined;
  const input = num(raw['input_tokens']);
  const read = num(raw['cache_read_input_tokens']) ?? 0;
  const created = num(raw['cache_creation_input_tokens']) ?? 0;
  return usageOf(input === undefined ? undefined : input + read + created, num(raw['output_tokens']), read);
}
