import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaptureScope } from '../capture/run-scope.js';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseFetch } from './fetch.js';
import { startFakeProvider, type FakeProvider } from './test-support/fake-provider.js';

let provider: FakeProvider;
beforeEach(async () => {
  provider = await startFakeProvider((body) => {
    const last = (body['messages'] as { content: string }[]).at(-1)!.content;
    return last === 'look it up' ? { toolCalls: [{ id: 'call_9', name: 'lookup', args: { q: 'x' } }], usage: { inputTokens: 10, outputTokens: 5 } } : { text: `echo: ${last}`, usage: { inputTokens: 12, outputTokens: 3 } };
  });
});
afterEach(() => provider.close());

async function agent(openai: OpenAI): Promise<string[]> {
  const a = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'look it up' }] });
  let streamed = '';
  const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true });
  for await (const chunk of s) streamed += chunk.choices[0]?.delta.content ?? '';
  return [a.choices[0]!.message.tool_calls![0]!.id, streamed];
}

describe('rehearse.fetch in a capture', () => {
  it('records real calls (JSON and streamed) so that a replay answers them exactly', async () => {
    const scope = new CaptureScope('run-1', undefined);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.baseUrl}/v1`, fetch: rehearseFetch, maxRetries: 0 });
    const live = await runWithInterceptor(scope, () => agent(client));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the recorded copy of the stream settles just after
    const timeline = scope.close();
    expect(live).toEqual(['call_9', 'echo: hello there']);
    expect(timeline).toHaveLength(2);
    expect(timeline[0]).toMatchObject({ type: 'model', provider: 'openai', model: 'gpt-4o-mini', response: { toolCalls: [{ id: 'call_9', name: 'lookup', args: { q: 'x' } }], usage: { inputTokens: 10 } } });
    expect(timeline[1]).toMatchObject({ response: { text: 'echo: hello there', usage: { inputTokens: 12, outputTokens: 3 } } });

    const session = sessionWith(timeline);
    const replayed = await runWithInterceptor(session, () => agent(client));
    expect(replayed).toEqual(live);
    expect(provider.requests).toHaveLength(2); // the replay made none
    expect(session.divergence).toBeUndefined();
    expect(session.models.summary().drift).toEqual([]);
  });
});
