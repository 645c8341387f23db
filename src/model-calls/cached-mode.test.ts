import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelMode } from '../model/case.js';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseFetch } from './fetch.js';
import { startFakeProvider, type FakeProvider } from './test-support/fake-provider.js';

let provider: FakeProvider;
let cacheDir: string;

beforeEach(async () => {
  provider = await startFakeProvider((body) => {
    const messages = body['messages'] as { content: string }[];
    return { text: `You said: ${messages.at(-1)!.content}. Noted.`, usage: { inputTokens: 1_000_000, outputTokens: 100_000 } };
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'rehearse-cache-'));
});
afterEach(async () => {
  await provider.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** One replay attempt of an agent that asks twice, in the given mode; returns what it saw and the session. */
async function attempt(mode: ModelMode, options: { stream?: boolean; temperature?: number; user?: string } = {}) {
  const session = sessionWith([], { mode, cacheDir, prices: { 'test-model': { input: 1, output: 10 } } });
  const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.baseUrl}/v1`, fetch: rehearseFetch, maxRetries: 0 });
  const answers = await runWithInterceptor(session, async () => {
    const out: string[] = [];
    for (const content of ['first', 'second']) {
      const params = { model: 'test-model', messages: [{ role: 'user' as const, content }], ...(options.temperature !== undefined && { temperature: options.temperature }), ...(options.user && { user: options.user }) };
      if (options.stream) {
        const stream = await openai.chat.completions.create({ ...params, stream: true }, { headers: { 'x-trace-id': String(Math.random()) } });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        out.push(text);
      } else {
        const r = await openai.chat.completions.create(params, { headers: { 'x-trace-id': String(Math.random()) } });
        out.push(r.choices[0]!.message.content!);
      }
    }
    return out;
  });
  return { answers, session, summary: session.models.summary() };
}

describe('cached mode', () => {
  it('calls the provider once per request, then answers from the cache with zero requests', async () => {
    const cold = await attempt('cached');
    expect(provider.requests).toHaveLength(2);
    expect(cold.answers).toEqual(['You said: first. Noted.', 'You said: second. Noted.']);
    expect(cold.summary).toMatchObject({ cache: { hits: 0, misses: 2 }, costUsd: 4 });

    const warm = await attempt('cached', { user: 'someone-else' });
    expect(provider.requests).toHaveLength(2); // headers and `user` are not part of the key
    expect(warm.answers).toEqual(cold.answers);
    expect(warm.summary).toMatchObject({ cache: { hits: 2, misses: 0, savedUsd: 4 }, costUsd: 0 });
    expect(warm.session.timeline).toHaveLength(2);
    expect(warm.session.timeline[0]).toMatchObject({ type: 'model', model: 'test-model', response: { usage: { inputTokens: 1_000_000, outputTokens: 100_000 } } });
  });

  it('writes entries that carry provider, model and creation time', async () => {
    await attempt('cached');
    const shards = await readdir(cacheDir);
    const files = (await Promise.all(shards.map(async (s) => (await readdir(join(cacheDir, s))).map((f) => join(cacheDir, s, f))))).flat();
    expect(files).toHaveLength(2);
    const entry = JSON.parse(await readFile(files[0]!, 'utf8')) as Record<string, unknown>;
    expect(entry).toMatchObject({ format: 'rehearse.model-cache', provider: 'openai', api: 'openai.chat', model: 'test-model' });
    expect(Date.now() - Date.parse(String(entry['createdAt']))).toBeLessThan(60_000);
    expect(JSON.stringify(entry)).not.toContain('x-trace-id');
  });

  it('misses when a parameter that changes the answer changes', async () => {
    await attempt('cached');
    await attempt('cached', { temperature: 0.2 });
    expect(provider.requests).toHaveLength(4);
  });

  it('replays a cached stream chunk by chunk without a request', async () => {
    const cold = await attempt('cached', { stream: true });
    expect(provider.requests).toHaveLength(2);
    const warm = await attempt('cached', { stream: true });
    expect(provider.requests).toHaveLength(2);
    expect(warm.answers).toEqual(cold.answers);
    expect(warm.answers[1]).toBe('You said: second. Noted.');
  });

  it('does not cache an error response', async () => {
    await provider.close();
    provider = await startFakeProvider(() => 400);
    const failed = await attempt('cached').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.BadRequestError);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('caches Anthropic streams too', async () => {
    const run = async () => {
      const session = sessionWith([], { mode: 'cached', cacheDir });
      const anthropic = new Anthropic({ apiKey: 'k', baseURL: provider.baseUrl, fetch: rehearseFetch, maxRetries: 0 });
      return runWithInterceptor(session, async () => {
        const message = await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }).finalMessage();
        return message.content[0]?.type === 'text' ? message.content[0].text : '';
      });
    };
    expect(await run()).toBe('You said: hello. Noted.');
    expect(await run()).toBe('You said: hello. Noted.');
    expect(provider.requests).toHaveLength(1);
  });
});

describe('live mode', () => {
  it('calls the provider every time and prices each call', async () => {
    const first = await attempt('live');
    const second = await attempt('live');
    expect(provider.requests).toHaveLength(4);
    expect(second.answers).toEqual(first.answers);
    // 2 calls × (1M input × $1 + 100k output × $10) per million
    expect(first.summary.costUsd).toBe(4);
    expect(first.summary.cache).toBeUndefined();
    expect(await readdir(cacheDir)).toEqual([]);
  });
});
