import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNetworkGuard } from '../replay/network-guard.js';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { bypassHint, modelCallHosts } from './provider-hosts.js';
import { refundTimeline } from './test-support/recorded.js';

describe('a client that bypasses rehearse.fetch', () => {
  let remove: () => void;
  beforeAll(() => {
    remove = installNetworkGuard();
  });
  afterAll(() => remove());

  it('is blocked by the network guard with a message that says to pass fetch: rehearse.fetch', async () => {
    const session = sessionWith(refundTimeline());
    const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 }); // no `fetch` option: goes straight to the network
    const error = await runWithInterceptor(session, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Refund order 42' }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(session.divergence).toMatchObject({ kind: 'blocked-network', target: 'api.openai.com:443' });
    expect(session.divergence!.message).toContain('pass `fetch: rehearse.fetch` to the client (new OpenAI({ fetch: rehearse.fetch })');
    // The guard sees only the host: the message covers a non-chat call (embeddings) made the same way.
    expect(session.divergence!.message).toContain('(embeddings, moderation) is not a model call rehearse replays: wrap the code that makes it in a recordable tool');
  });

  it('names a request rehearse.fetch does not answer (embeddings) and says to make it a recordable tool', async () => {
    const { rehearseFetch } = await import('./fetch.js');
    const session = sessionWith(refundTimeline());
    const openai = new OpenAI({ apiKey: 'sk-test', fetch: rehearseFetch, maxRetries: 0 });
    const error = await runWithInterceptor(session, () => openai.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(session.divergence).toMatchObject({ kind: 'blocked-network', target: 'api.openai.com:443' });
    expect(session.divergence!.message).toContain('step 0: POST /v1/embeddings to api.openai.com:443 went through rehearse.fetch, but it is not a model call rehearse records or replays');
    expect(session.divergence!.message).toContain('wrap the code that makes it in a recordable tool');
    expect(session.divergence!.message).not.toContain('bypassed rehearse');
  });

  it('says to allow the host when a live call through the seam is blocked (a live case in a recorded run)', async () => {
    const { rehearseFetch } = await import('./fetch.js');
    const session = sessionWith([], { mode: 'live' });
    const openai = new OpenAI({ apiKey: 'sk-test', fetch: rehearseFetch }); // default retries: they must not run
    const error = await runWithInterceptor(session, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(session.timeline).toHaveLength(1);
    expect(session.divergence).toMatchObject({ kind: 'blocked-network', target: 'api.openai.com:443' });
    expect(session.divergence!.message).toContain('the live model call to api.openai.com:443 was blocked');
  });
});

describe('provider hosts', () => {
  it('names the client to fix for known providers only', () => {
    expect(bypassHint('api.anthropic.com:443', 3)).toContain('step 3: a model call to api.anthropic.com:443 (anthropic) bypassed rehearse');
    expect(bypassHint('api.openai.com:443', 1, true)).toContain('the live model call to api.openai.com:443 was blocked during replay: run with --model live or cached');
    expect(bypassHint('api.anthropic.com:443', 3)).toContain('new Anthropic({ fetch: rehearse.fetch })');
    expect(bypassHint('example.com:443', 0)).toBeUndefined();
  });

  it('allows provider hosts only when models are called for real, and the judge host always', () => {
    expect(modelCallHosts('recorded')).toEqual([]);
    expect(modelCallHosts('cached')).toEqual(['api.openai.com', 'api.anthropic.com']);
    expect(modelCallHosts('recorded', 'https://llm.internal:8443/v1')).toEqual(['llm.internal:8443']);
    expect(modelCallHosts('recorded', undefined, 'anthropic')).toEqual(['api.anthropic.com']);
  });
});
