import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseFetch } from './fetch.js';
import { refundTimeline } from './test-support/recorded.js';

const client = (): OpenAI => new OpenAI({ apiKey: 'sk-test', fetch: rehearseFetch });

/** The agent under test: one tool round trip through the chat API. */
async function agent(openai: OpenAI, stream: boolean): Promise<string> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Refund order 42' }];
  let first: OpenAI.ChatCompletionMessage;
  if (stream) {
    const runner = openai.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    first = (await runner.finalChatCompletion()).choices[0]!.message;
  } else {
    first = (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices[0]!.message;
  }
  const call = first.tool_calls![0]!;
  if (call.type !== 'function') throw new Error('expected a function call');
  expect(JSON.parse(call.function.arguments)).toEqual({ id: 42 });
  messages.push({ role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', content: '{"status":"shipped"}', tool_call_id: call.id });
  if (stream) {
    const chunks: string[] = [];
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of s) chunks.push(chunk.choices[0]?.delta.content ?? '');
    expect(chunks.filter(Boolean).length).toBeGreaterThan(3); // delivered delta by delta, not in one piece
    return chunks.join('');
  }
  return (await openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices[0]!.message.content!;
}

describe('rehearse.fetch with the openai client (recorded mode)', () => {
  it('answers chat completions from the recording, with usage in the timeline', async () => {
    const session = sessionWith(refundTimeline());
    const output = await runWithInterceptor(session, () => agent(client(), false));
    expect(output).toBe('Order 42 has shipped, so it cannot be refunded yet.');
    expect(session.divergence).toBeUndefined();
    expect(session.timeline.map((e) => e.type)).toEqual(['model', 'model']);
    expect(session.timeline[0]).toMatchObject({ type: 'model', model: 'gpt-4o-mini', response: { usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 40 } } });
    expect(session.models.summary().drift).toEqual([]);
  });

  it('replays streamed answers chunk by chunk in the SSE chunk format', async () => {
    const session = sessionWith(refundTimeline());
    const output = await runWithInterceptor(session, () => agent(client(), true));
    expect(output).toBe('Order 42 has shipped, so it cannot be refunded yet.');
    expect(session.divergence).toBeUndefined();
    expect(session.models.summary().drift).toEqual([]);
  });

  it('answers the Responses API, streamed and not', async () => {
    const timeline = refundTimeline();
    const session = sessionWith([
      { type: 'model', model: 'gpt-4.1', request: { messages: [{ role: 'user', content: 'Say hi' }] }, response: { text: 'Hi there, friend!', usage: { inputTokens: 5, outputTokens: 4 } } },
      { ...timeline[2]!, model: 'gpt-4.1', request: { messages: [{ role: 'user', content: 'Say bye' }] } } as (typeof timeline)[number],
    ]);
    const [plain, streamed] = await runWithInterceptor(session, async () => {
      const openai = client();
      const a = await openai.responses.create({ model: 'gpt-4.1', input: 'Say hi' });
      const deltas: string[] = [];
      const s = await openai.responses.create({ model: 'gpt-4.1', input: 'Say bye', stream: true });
      for await (const event of s) if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      expect(deltas.length).toBeGreaterThan(3);
      return [a.output_text, deltas.join('')];
    });
    expect(plain).toBe('Hi there, friend!');
    expect(streamed).toBe('Order 42 has shipped, so it cannot be refunded yet.');
    expect(session.divergence).toBeUndefined();
  });

  it('names an unrecorded call as a divergence and the SDK does not retry it', async () => {
    const session = sessionWith(refundTimeline().slice(0, 1));
    const error = await runWithInterceptor(session, () => agent(client(), false)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('past the recording');
    expect(session.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 1 });
    expect(session.divergence!.message).toContain('model call #2 (gpt-4o-mini)');
    // One diverged model event: a retry would have added more.
    expect(session.timeline.filter((e) => e.type === 'model')).toHaveLength(2);
    expect(session.timeline[1]).toMatchObject({ response: { finishReason: 'diverged' } });
  });

  it('answers a changed prompt at the same position, flagged as drift', async () => {
    const session = sessionWith(refundTimeline());
    await runWithInterceptor(session, async () => {
      const openai = client();
      const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Refund order 42' }] });
      expect(r.choices[0]!.message.tool_calls).toHaveLength(1);
    });
    expect(session.divergence).toBeUndefined();
    const drift = session.models.summary().drift;
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({ step: 0 });
    expect(drift[0]!.message).toContain('messages differ from message 1');
    expect(drift[0]!.message).toContain('does not test the new prompt');
  });

  it('is globalThis.fetch outside a replay', async () => {
    const original = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      seen.push(String(input));
      return new Response('{}');
    }) as typeof fetch;
    try {
      await rehearseFetch('http://127.0.0.1:1/v1/chat/completions', { method: 'POST', body: '{}' });
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toEqual(['http://127.0.0.1:1/v1/chat/completions']);
  });
});
