import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNetworkGuard } from '../replay/network-guard.js';
import { runWithInterceptor } from '../replay/scope.js';
import { GLOBAL_DISPATCHER, installGlobalDispatcher, RehearseDispatcher } from './global-dispatcher.js';
import { startFakeProvider, type FakeProvider } from './test-support/fake-provider.js';
import { refundTimeline } from './test-support/recorded.js';
import { sessionWith } from './test-support/session.js';
import { loadConfig } from '../config/load-config.js';
import { runSuite } from '../run/run-suite.js';
import { WORKER_URL } from '../../test/e2e/fixture-dir.js';

const slot = (): unknown => (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];

/** A loopback server that echoes what it received, to prove requests went through unchanged. */
async function startEcho(): Promise<{ url: string; seen: { method: string; path: string; body: string }[]; close(): Promise<void> }> {
  const seen: { method: string; path: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('the global dispatcher fallback', () => {
  let removeGuard: () => void;
  let removeDispatcher: () => void;
  let previous: unknown;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let provider: FakeProvider;

  beforeAll(async () => {
    void globalThis.Response; // make sure undici has set its default dispatcher, so it is wrapped at once
    previous = slot();
    removeGuard = installNetworkGuard(); // a call the fallback missed would be blocked, never sent
    removeDispatcher = installGlobalDispatcher();
    echo = await startEcho();
    provider = await startFakeProvider(() => ({ text: 'live answer from the provider', finishReason: 'stop', usage: { inputTokens: 7, outputTokens: 5 } }));
  });
  afterAll(async () => {
    removeDispatcher();
    removeGuard();
    await echo.close();
    await provider.close();
  });

  it('wraps the dispatcher that was there', () => {
    expect(slot()).toBeInstanceOf(RehearseDispatcher);
    expect((slot() as RehearseDispatcher).previous).toBe(previous);
  });

  it('answers an openai client built without a fetch option from the recording (JSON)', async () => {
    const session = sessionWith(refundTimeline());
    const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 }); // uses the global fetch
    const first = await runWithInterceptor(session, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Refund order 42' }] }));
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ id: 42 });
    const { data, response } = await runWithInterceptor(session, () =>
      openai.chat.completions
        .create({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'user', content: 'Refund order 42' },
            { role: 'assistant', content: null, tool_calls: [call] },
            { role: 'tool', content: '{"status":"shipped"}', tool_call_id: call.id },
          ],
        })
        .withResponse(),
    );
    expect(data.choices[0]!.message.content).toBe('Order 42 has shipped, so it cannot be refunded yet.');
    expect(response.headers.get('x-rehearse-seam')).toBe('global-dispatcher');
    expect(session.divergence).toBeUndefined();
    expect(session.timeline).toHaveLength(2);
    expect(session.timeline[0]).toMatchObject({ type: 'model', provider: 'openai (global dispatcher)', model: 'gpt-4o-mini', response: { usage: { inputTokens: 100 } } });
  });

  it('replays a streamed answer chunk by chunk', async () => {
    const timeline = refundTimeline();
    const session = sessionWith([{ ...timeline[2]!, request: { messages: [{ role: 'user', content: 'Say it' }] } } as (typeof timeline)[number]]);
    const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 });
    const chunks = await runWithInterceptor(session, async () => {
      const out: string[] = [];
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say it' }], stream: true });
      for await (const chunk of stream) out.push(chunk.choices[0]?.delta.content ?? '');
      return out.filter(Boolean);
    });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe('Order 42 has shipped, so it cannot be refunded yet.');
    expect(session.divergence).toBeUndefined();
  });

  it('holds a long stream while the agent does not read, then delivers all of it; an abort ends it', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const recorded = { type: 'model' as const, provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user' as const, content: 'Long' }] }, response: { text: words, finishReason: 'stop' } };
    const session = sessionWith([recorded, { ...recorded }]);
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Long' }], stream: true });
    const text = await runWithInterceptor(session, async () => {
      const res = await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await new Promise((r) => setTimeout(r, 50)); // the body buffer fills up meanwhile: delivery must pause, not drop
      return res.text();
    });
    const deltas = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: {'))
      .map((block) => (JSON.parse(block.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '');
    expect(text.length).toBeGreaterThan(200_000);
    expect(deltas.join('')).toBe(words);

    const aborted = await runWithInterceptor(session, async () => {
      const controller = new AbortController();
      const res = await fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body, signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      return reader.read().then(
        () => 'not aborted',
        (e: Error) => e.name,
      );
    });
    expect(aborted).toBe('AbortError');
  });

  it('names an unrecorded call as a divergence instead of letting it reach the network', async () => {
    const session = sessionWith([]);
    const openai = new OpenAI({ apiKey: 'sk-test' }); // default retries: a 400 is not retried
    const error = await runWithInterceptor(session, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(session.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 0 });
    expect(session.timeline).toHaveLength(1);
  });

  it('makes a live call through the dispatcher it replaced (live mode, a loopback provider)', async () => {
    const session = sessionWith([], { mode: 'live' });
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.baseUrl}/v1`, maxRetries: 0 });
    const before = provider.requests.length;
    const reply = await runWithInterceptor(session, () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(reply.choices[0]!.message.content).toBe('live answer from the provider');
    expect(provider.requests.length - before).toBe(1);
    expect(provider.requests.at(-1)!.headers['authorization']).toBe('Bearer sk-test');
    expect(session.timeline[0]).toMatchObject({ provider: 'openai (global dispatcher)', response: { usage: { inputTokens: 7, outputTokens: 5 } } });
    expect(session.models.summary().costUsd).toBeDefined();
  });

  it('delegates other requests inside a replay: a plain fetch to loopback, and a non-JSON POST on a model path', async () => {
    const session = sessionWith([]);
    const [get, post] = await runWithInterceptor(session, async () => {
      const a = await fetch(`${echo.url}/health?x=1`);
      const b = await fetch(`${echo.url}/v1/chat/completions`, { method: 'POST', body: 'not json' });
      return [a, b];
    });
    expect(get.headers.get('x-echo')).toBe('yes');
    expect(await post.json()).toEqual({ echoed: 'not json' });
    expect(echo.seen.slice(-2)).toEqual([
      { method: 'GET', path: '/health?x=1', body: '' },
      { method: 'POST', path: '/v1/chat/completions', body: 'not json' },
    ]);
    expect(session.timeline).toEqual([]);
  });

  it('passes model requests through unchanged outside a replay', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.baseUrl}/v1`, maxRetries: 0 });
    const before = provider.requests.length;
    const { data, response } = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe('live answer from the provider');
    expect(response.headers.get('x-rehearse-seam')).toBeNull();
    expect(provider.requests.length - before).toBe(1);
    const streamed = await fetch(`${echo.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [] }) });
    expect(streamed.headers.get('x-echo')).toBe('yes');
  });
});

describe('installGlobalDispatcher in a fresh process', () => {
  it('loads nothing at install and wraps the dispatcher on the first fetch, which goes through it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-dispatcher-'));
    try {
      const { build } = await import('esbuild');
      const entry = join(dir, 'entry.ts');
      const source = fileURLToPath(new URL('./global-dispatcher.ts', import.meta.url));
      writeFileSync(
        entry,
        `import { createServer } from 'node:http';
import { GLOBAL_DISPATCHER, installGlobalDispatcher, RehearseDispatcher } from ${JSON.stringify(source)};
const out: Record<string, unknown> = {};
out.unsetBefore = Object.getOwnPropertyDescriptor(globalThis, GLOBAL_DISPATCHER) === undefined;
const nodeFetch = globalThis.fetch;
const remove = installGlobalDispatcher();
out.fetchWrapped = globalThis.fetch !== nodeFetch;
out.unsetAfterInstall = Object.getOwnPropertyDescriptor(globalThis, GLOBAL_DISPATCHER) === undefined;
const server = createServer((req, res) => res.end('pong ' + req.url));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as { port: number }).port;
const dispatcher = (): unknown => (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
out.first = await (await fetch('http://127.0.0.1:' + port + '/a')).text();
out.wrapped = dispatcher() instanceof RehearseDispatcher;
out.previous = (dispatcher() as RehearseDispatcher).previous?.constructor?.name;
out.fetchRestored = globalThis.fetch === nodeFetch;
out.second = await (await fetch('http://127.0.0.1:' + port + '/b')).text();
remove();
out.removed = !(dispatcher() instanceof RehearseDispatcher);
server.close();
console.log(JSON.stringify(out));
`,
      );
      const bundle = join(dir, 'bundle.mjs');
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent' });
      const run = spawnSync(process.execPath, [bundle], { encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({
        unsetBefore: true,
        unsetAfterInstall: true,
        fetchWrapped: true,
        first: 'pong /a',
        wrapped: true,
        previous: 'Agent',
        fetchRestored: true,
        second: 'pong /b',
        removed: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('in a real run (the worker installs the fallback)', () => {
  it('answers an agent whose openai client has no fetch option from the case, instead of diverging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-dispatcher-run-'));
    try {
      const openaiUrl = pathToFileURL(createRequire(import.meta.url).resolve('openai')).href;
      writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: './agent.mjs', export: 'agent' } }));
      writeFileSync(
        join(dir, 'agent.mjs'),
        `import OpenAI from ${JSON.stringify(openaiUrl)};
const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 }); // built at import, no fetch option
export async function agent() {
  const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is order 42?' }] });
  return { reply: r.choices[0].message.content };
}
`,
      );
      const recorded = { type: 'model', provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user', content: 'Where is order 42?' }] }, response: { text: 'Order 42 has shipped.', finishReason: 'stop' } };
      const kase = { format: 'rehearse.case', version: 1, id: 'where', title: 'Where', input: {}, timeline: [recorded], outcome: { status: 'failed' }, assertions: [{ type: 'contains', value: 'shipped', path: '/reply' }] };
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'suites/core'), { recursive: true });
      writeFileSync(join(dir, 'suites/core/where.case.json'), JSON.stringify(kase));
      const loaded = await loadConfig(dir, undefined, () => {});
      const outcome = await runSuite({ cwd: dir, config: loaded.config, agentModule: loaded.agentModule, out: join(dir, 'results.json'), workerUrl: WORKER_URL, reporter: {}, onWarning: () => {} });
      const result = outcome.results.cases[0]!;
      expect(result.attempts[0]!.divergence).toBeUndefined();
      expect(result.status).toBe('passed');
      expect(result.attempts[0]!.timeline?.[0]).toMatchObject({ type: 'model', provider: 'openai (global dispatcher)' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
