import type { ModelCallEvent } from '../../model/case.js';
import type { SseEvent } from '../sse.js';
import { argsText, isObject, num, parseArgsText, syntheticId, textDeltas, tokens, usageOf, type Loose, type ProviderAdapter, type ReadResponse } from './adapter.js';

/** OpenAI Responses (`POST /responses`). */
export const openaiResponses: ProviderAdapter = {
  provider: 'openai',
  api: 'openai.responses',

  jsonBody(event, n) {
    return responseObject(event, n, 'completed', outputItems(event, n));
  },

  sseEvents(event, n) {
    const events: SseEvent[] = [];
    let sequence = 0;
    const emit = (type: string, fields: Loose): void => void events.push({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...fields }) });
    emit('response.created', { response: responseObject(event, n, 'in_progress', []) });
    emit('response.in_progress', { response: responseObject(event, n, 'in_progress', []) });
    const items = outputItems(event, n);
    items.forEach((item, output_index) => {
      if (item['type'] === 'message') {
        const text = String(((item['content'] as Loose[])[0] ?? {})['text'] ?? '');
        const item_id = item['id'];
        emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
        const part = { type: 'output_text', text: '', annotations: [] };
        emit('response.content_part.added', { item_id, output_index, content_index: 0, part });
        for (const delta of textDeltas(text)) emit('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] });
        emit('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] });
        emit('response.content_part.done', { item_id, output_index, content_index: 0, part: { ...part, text } });
      } else {
        emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
        emit('response.function_call_arguments.delta', { item_id: item['id'], output_index, delta: item['arguments'] });
        emit('response.function_call_arguments.done', { item_id: item['id'], output_index, arguments: item['arguments'] });
      }
      emit('response.output_item.done', { output_index, item });
    });
    emit('response.completed', { response: responseObject(event, n, 'completed', items) });
    return events;
  },

  readJson(body) {
    return readResponse(body);
  },

  readSse(events) {
    // The last event carries the whole response; earlier ones are its pieces.
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!;
      if (event.event !== undefined && event.event !== 'response.completed' && event.event !== 'response.incomplete') continue;
      try {
        const data = JSON.parse(event.data) as Loose;
        if (isObject(data['response']) && (data['type'] === 'response.completed' || data['type'] === 'response.incomplete')) return readResponse(data['response']);
      } catch {
        // not JSON: keep looking
      }
    }
    return { finishReason: 'incomplete' };
  },
};

function outputItems(event: ModelCallEvent, n: number): Loose[] {
  const items: Loose[] = [];
  const { text, toolCalls } = event.response;
  if (text !== undefined && text !== '') {
    items.push({ type: 'message', id: syntheticId('msg_', n), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] });
  }
  (toolCalls ?? []).forEach((call, i) => {
    items.push({ type: 'function_call', id: `fc_rehearse_${n}_${i}`, call_id: call.id ?? `call_rehearse_${n}_${i}`, name: call.name, arguments: argsText(call), status: 'completed' });
  });
  return items;
}

function responseObject(event: ModelCallEvent, n: number, status: string, output: Loose[]): Loose {
  const t = tokens(event.response.usage);
  return {
    id: event.id ?? syntheticId('resp_', n),
    object: 'response',
    created_at: 0,
    status,
    model: event.model ?? 'unknown',
    output,
    error: null,
    incomplete_details: null,
    parallel_tool_calls: true,
    tools: [],
    usage:
      status === 'completed'
        ? { input_tokens: t.input, output_tokens: t.output, total_tokens: t.input + t.output, input_tokens_details: { cached_tokens: t.cached }, output_tokens_details: { reasoning_tokens: 0 } }
        : null,
  };
}

function readResponse(body: unknown): ReadResponse {
  const out: ReadResponse = {};
  if (!isObject(body)) return out;
  if (typeof body['id'] === 'string') out.id = body['id'];
  if (typeof body['model'] === 'string') out.model = body['model'];
  if (typeof body['status'] === 'string') out.finishReason = body['status'];
  let text = '';
  const toolCalls: NonNullable<ModelCallEvent['response']['toolCalls']> = [];
  for (const item of Array.isArray(body['output']) ? body['output'] : []) {
    if (!isObject(item)) continue;
    if (item['type'] === 'message' && Array.isArray(item['content'])) {
      for (const part of item['content']) if (isObject(part) && part['type'] === 'output_text') text += String(part['text'] ?? '');
    } else if (item['type'] === 'function_call') {
      const call = { name: String(item['name'] ?? 'unknown'), args: parseArgsText(String(item['arguments'] ?? '')) };
      toolCalls.push(typeof item['call_id'] === 'string' ? { id: item['call_id'], ...call } : call);
    }
  }
  if (text) out.text = text;
  if (toolCalls.length > 0) out.toolCalls = toolCalls;
  const usage = isObject(body['usage']) ? body['usage'] : undefined;
  if (usage) {
    const details = isObject(usage['input_tokens_details']) ? usage['input_tokens_details'] : {};
    const read = usageOf(num(usage['input_tokens']), num(usage['output_tokens']), num(details['cached_tokens']));
    if (read) out.usage = read;
  }
  return out;
}
