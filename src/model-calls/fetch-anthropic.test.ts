import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { ModelCallEvent, TimelineEvent } from '../model/case.js';
import { mapChatRequest } from '../capture/model-shapes.js';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseFetch } from './fetch.js';

const MODEL = 'claude-haiku-4-5';
const first: Anthropic.MessageCreateParamsNonStreaming = { model: MODEL, max_tokens: 512, system: 'You are a support agent.', messages: [{ role: 'user', content: 'Where is order 7?' }], tools: [{ name: 'lookup_order', description: 'Finds an order', input_schema: { type: 'object', properties: { id: { type: 'number' } } } }] };

/** Records a call the way capture maps it: the request from the body the SDK was given. */
function recorded(body: object, response: ModelCallEvent['response']): ModelCallEvent {
  const { model, ...request } = mapChatRequest(body);
  return { type: 'model', provider: 'anthropic', ...(model && { model }), request, response };
}

function timeline(): TimelineEvent[] {
  return [
    recorded(first, { toolCalls: [{ id: 'toolu_1', name: 'lookup_order', args: { id: 7 } }], finishReason: 'tool_use', usage: { inputTokens: 300, cachedInputTokens: 200, outputTokens: 30 } }),
    recorded(second(), { text: 'Order 7 is out for delivery today.', finishReason: 'end_turn', usage: { inputTokens: 350, outputTokens: 10 } }),
  ];
}

function second(): Anthropic.MessageCreateParamsNonStreaming {
  return {
    ...first,
    messages: [
      ...first.messages,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_order', input: { id: 7 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'out for delivery' }] },
    ],
  };
}

const client = (): Anthropic => new Anthropic({ apiKey: 'sk-ant-test', fetch: rehearseFetch });

describe('rehearse.fetch with the @anthropic-ai/sdk client (recorded mode)', () => {
  it('answers messages from the recording, tool use included', async () => {
    const session = sessionWith(timeline());
    const text = await runWithInterceptor(session, async () => {
      const anthropic = client();
      const a = await anthropic.messages.create(first);
      const use = a.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;
      expect(use).toMatchObject({ id: 'toolu_1', name: 'lookup_order', input: { id: 7 } });
      expect(a.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 200, output_tokens: 30 });
      const b = await anthropic.messages.create(second());
      return b.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    });
    expect(text).toBe('Order 7 is out for delivery today.');
    expect(session.divergence).toBeUndefined();
    expect(session.models.summary()).toMatchObject({ drift: [], usage: { inputTokens: 650, cachedInputTokens: 200, outputTokens: 40 } });
  });

  it('streams recorded answers in Anthropic event format, event by event', async () => {
    const session = sessionWith(timeline());
    const { deltas, final } = await runWithInterceptor(session, async () => {
      const anthropic = client();
      const stream = anthropic.messages.stream(first);
      const toolMessage = await stream.finalMessage();
      expect(toolMessage.content[0]).toMatchObject({ type: 'tool_use', name: 'lookup_order', input: { id: 7 } });
      const deltas: string[] = [];
      const s = await anthropic.messages.create({ ...second(), stream: true });
      for await (const event of s) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') deltas.push(event.delta.text);
      return { deltas, final: toolMessage };
    });
    expect(final.stop_reason).toBe('tool_use');
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Order 7 is out for delivery today.');
    expect(session.divergence).toBeUndefined();
  });

  it('reports a call past the recording as an Anthropic 400 that is not retried', async () => {
    const session = sessionWith(timeline().slice(0, 1));
    const error = await runWithInterceptor(session, async () => {
      const anthropic = client();
      await anthropic.messages.create(first);
      return anthropic.messages.create(second());
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('model call #2 (claude-haiku-4-5) is past the recording, which has 1 model call');
    expect(session.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 1 });
    expect(session.timeline).toHaveLength(2);
  });
});
