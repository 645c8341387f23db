import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_ENTRY_FORMAT, ModelCallCache, pruneCache, type CacheEntry } from './cache-store.js';
import { parseAge } from './duration.js';
import { ModelMatcher } from './model-matcher.js';
import { priceTableIssues } from '../config/validate-model-calls.js';
import { costOf, DEFAULT_PRICES, mergePrices, priceOf } from './prices.js';
import { cacheKey, requestIdentity } from './request-key.js';
import { modelEvent } from './test-support/recorded.js';

describe('prices', () => {
  it('prices a model by exact id, else by the longest prefix, after a provider qualifier', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['gpt-4o-mini']);
    expect(priceOf('gpt-4o-2024-08-06', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['gpt-4o']);
    expect(priceOf('openai/gpt-4.1-mini', DEFAULT_PRICES)).toBe(DEFAULT_PRICES['gpt-4.1-mini']);
    expect(priceOf('llama-3', DEFAULT_PRICES)).toBeUndefined();
  });

  it('charges cached input at the cached rate and lets the config extend the table', () => {
    const prices = mergePrices({ 'my-model': { input: 2, output: 8, cachedInput: 0.5 } });
    // 1M input of which 400k cached, 100k output: 600k×2 + 400k×0.5 + 100k×8, per million
    expect(costOf('my-model', { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 }, prices)).toBe(2.2);
    expect(costOf('my-model', undefined, prices)).toBeUndefined();
    expect(costOf('unknown', { inputTokens: 5 }, prices)).toBeUndefined();
    expect(prices['gpt-4o']).toBe(DEFAULT_PRICES['gpt-4o']);
  });

  it('reports bad price tables with pointers', () => {
    expect(priceTableIssues({ 'a/b': { input: 1 } })).toEqual([{ pointer: '/prices/a~1b/output', message: expect.stringContaining('per million tokens') }]);
    expect(priceTableIssues([])).toHaveLength(1);
    expect(priceTableIssues({ ok: { input: 1, output: 2 } })).toEqual([]);
  });
});

describe('request identity and cache key', () => {
  const request = { messages: [{ role: 'user' as const, content: 'hi' }], params: { temperature: 0, user: 'u1', metadata: { trace: 'x' } } };

  it('ignores key order and parameters that do not change the answer', () => {
    const reordered = { params: { metadata: { trace: 'y' }, user: 'u2', temperature: 0 }, messages: [{ content: 'hi', role: 'user' as const }] };
    expect(requestIdentity('m', reordered)).toBe(requestIdentity('m', request));
    expect(cacheKey({ api: 'openai.chat', model: 'm', request: reordered })).toBe(cacheKey({ api: 'openai.chat', model: 'm', request }));
    expect(cacheKey({ api: 'openai.chat', model: 'm', request, identity: { model: 'm', stream: true, user: 'a', x: 1 } })).toBe(
      cacheKey({ api: 'openai.chat', model: 'm', request, identity: { x: 1, model: 'm', stream: false } }),
    );
  });

  it('changes with the model, the wire format and answer-changing parameters', () => {
    const base = cacheKey({ api: 'openai.chat', model: 'm', request });
    expect(cacheKey({ api: 'openai.chat', model: 'n', request })).not.toBe(base);
    expect(cacheKey({ api: 'anthropic.messages', model: 'm', request })).not.toBe(base);
    expect(cacheKey({ api: 'openai.chat', model: 'm', request: { ...request, params: { temperature: 1 } } })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('ModelMatcher', () => {
  const a = modelEvent('m', [{ role: 'user', content: 'a' }], { text: 'A' });
  const b = modelEvent('m', [{ role: 'user', content: 'b' }], { text: 'B' });

  it('matches exactly out of order, then by position, then misses', () => {
    const matcher = new ModelMatcher([a, { type: 'tool', name: 't', args: {} }, b]);
    expect(matcher.match('m', b.request)).toMatchObject({ kind: 'exact', recordedStep: 2 });
    expect(matcher.match('m', a.request)).toMatchObject({ kind: 'exact', recordedStep: 0 });
    expect(matcher.match('m', a.request)).toMatchObject({ kind: 'miss', reason: expect.stringContaining('past the recording, which has 2 model calls') });
  });

  it('serves the same position for a changed prompt, as drift', () => {
    const matcher = new ModelMatcher([a, b]);
    const match = matcher.match('m', { messages: [{ role: 'user', content: 'a, politely' }] });
    expect(match).toMatchObject({ kind: 'drift', event: a });
    expect(matcher.match('m', { messages: [{ role: 'user', content: 'b' }] })).toMatchObject({ kind: 'exact', event: b });
  });

  it('does not serve a position already used by an exact match', () => {
    const matcher = new ModelMatcher([a, b]);
    expect(matcher.match('m', b.request).kind).toBe('exact');
    expect(matcher.match('m', { messages: [{ role: 'user', content: 'c' }] })).toMatchObject({ kind: 'miss', reason: expect.stringContaining('already used') });
  });
});

describe('cache store and prune', () => {
  const entry = (key: string, createdAt: string): CacheEntry => ({ format: CACHE_ENTRY_FORMAT, version: 1, key, api: 'openai.chat', provider: 'openai', model: 'm', createdAt, response: { text: 'x' }, payload: null });

  it('stores and reads entries, and prunes by creation time leaving foreign files alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rehearse-prune-'));
    try {
      const cache = new ModelCallCache(dir);
      await cache.put(entry('aa11', new Date(Date.now() - 40 * 86_400_000).toISOString()));
      await cache.put(entry('bb22', new Date().toISOString()));
      await mkdir(join(dir, 'cc'));
      await writeFile(join(dir, 'cc', 'notes.json'), '{"hello": true}');
      expect(await cache.get('bb22')).toMatchObject({ key: 'bb22', response: { text: 'x' } });
      expect(await cache.get('zz99')).toBeUndefined();
      expect(await pruneCache(dir, new Date(Date.now() - parseAge('30d')!))).toEqual({ removed: 1, kept: 1, skipped: 1 });
      expect(await cache.get('aa11')).toBeUndefined();
      expect(await readdir(join(dir, 'cc'))).toEqual(['notes.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses ages', () => {
    expect(parseAge('30d')).toBe(30 * 86_400_000);
    expect(parseAge('12h')).toBe(12 * 3_600_000);
    expect(parseAge('2w')).toBe(14 * 86_400_000);
    expect(parseAge('30')).toBeUndefined();
    expect(parseAge('0d')).toBeUndefined();
  });
});
