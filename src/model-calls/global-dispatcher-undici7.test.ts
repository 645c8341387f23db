/**
 * The global-dispatcher fallback against the real `undici` 7 package (the line Node 24 bundles): its
 * `fetch` reads `undici.globalDispatcher.1` through `getGlobalDispatcher()` and passes a v1 handler.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher as UndiciDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNetworkGuard } from '../replay/network-guard.js';
import { runWithInterceptor } from '../replay/scope.js';
import { GLOBAL_DISPATCHER, GLOBAL_DISPATCHER_V2, installGlobalDispatcher, RehearseDispatcher } from './global-dispatcher.js';
import { refundTimeline } from './test-support/recorded.js';
import { sessionWith } from './test-support/session.js';
import { deltas, SAID, sayItSession } from './test-support/say-it.js';
import { loadConfig } from '../config/load-config.js';
import { runSuite } from '../run/run-suite.js';
import { WORKER_URL } from '../../test/e2e/fixture-dir.js';

const slots = globalThis as unknown as Record<symbol, unknown>;

interface Seen {
  method: string;
  path: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A loopback server that echoes what it received, to prove requests went through unchanged. */
async function startEcho(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', path: req.url ?? '', body, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A real undici 7 Agent that counts what it dispatches, to show a request went through it. */
class CountingAgent extends Agent {
  dispatched: string[] = [];
  override dispatch(options: UndiciDispatcher.DispatchOptions, handler: UndiciDispatcher.DispatchHandler): boolean {
    this.dispatched.push(`${options.method} ${options.path}`);
    return super.dispatch(options, handler);
  }
}

const sayIt = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say it' }] };



let removeGuard: () => void;
let echo: Awaited<ReturnType<typeof startEcho>>;
let nodeAgent: unknown;

beforeAll(async () => {
  void globalThis.Response; // Node's undici 6 sets its agent in `.1` first, as in a worker after the first fetch
  nodeAgent = slots[GLOBAL_DISPATCHER];
  removeGuard = installNetworkGuard(); // a model call the fallback missed would be blocked, never sent
  echo = await startEcho();
});
afterAll(async () => {
  slots[GLOBAL_DISPATCHER] = nodeAgent;
  removeGuard();
  await echo.close();
});

describe("undici 7's fetch with the fallback installed", () => {
  let remove: () => void;
  beforeAll(() => {
    remove = installGlobalDispatcher();
  });
  afterAll(() => remove());

  it("reads `.1`: undici 7's getGlobalDispatcher() returns our dispatcher", () => {
    expect(getGlobalDispatcher()).toBeInstanceOf(RehearseDispatcher);
    expect((getGlobalDispatcher() as unknown as RehearseDispatcher).previous).toBe(nodeAgent);
  });

  it('answers a JSON model request from the recording', async () => {
    const session = sessionWith(refundTimeline());
    const response = await runWithInterceptor(session, () =>
      undiciFetch('https://api.openai.com/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Refund order 42' }] }),
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-rehearse-seam')).toBe('global-dispatcher');
    const body = (await response.json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[]; usage: { prompt_tokens: number } };
    expect(body.choices[0]!.message.tool_calls[0]!.function).toEqual({ name: 'lookup_order', arguments: '{"id":42}' });
    expect(body.usage.prompt_tokens).toBe(100);
    expect(session.divergence).toBeUndefined();
    expect(session.timeline[0]).toMatchObject({ type: 'model', provider: 'openai (global dispatcher)', model: 'gpt-4o-mini' });
  });

  it('answers a streamed request with an SSE stream, chunk by chunk', async () => {
    const session = sayItSession();
    const { chunks, text } = await runWithInterceptor(session, async () => {
      const response = await undiciFetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify({ ...sayIt, stream: true }) });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      let count = 0;
      let all = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) {
        count++;
        all += decoder.decode(chunk, { stream: true });
      }
      return { chunks: count, text: all };
    });
    expect(chunks).toBeGreaterThan(3);
    expect(deltas(text).join('')).toBe(SAID);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(session.divergence).toBeUndefined();
  });

  it('works as the fetch an OpenAI client is given, streaming included', async () => {
    const session = sayItSession();
    const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0, fetch: undiciFetch as unknown as typeof fetch });
    const out = await runWithInterceptor(session, async () => {
      const parts: string[] = [];
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say it' }], stream: true });
      for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
      return parts.join('');
    });
    expect(out).toBe(SAID);
  });

  it('ends an aborted stream with an AbortError', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const session = sessionWith([{ type: 'model', provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user', content: 'Long' }] }, response: { text: words, finishReason: 'stop' } }]);
    const outcome = await runWithInterceptor(session, async () => {
      const controller = new AbortController();
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Long' }], stream: true });
      const response = await undiciFetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body, signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      return reader.read().then(
        () => 'not aborted',
        (e: Error) => e.name,
      );
    });
    expect(outcome).toBe('AbortError');
  });

  it('sends a non-model request to the loopback server untouched, inside a replay', async () => {
    const session = sessionWith([]);
    const [get, post] = await runWithInterceptor(session, async () => [
      await undiciFetch(`${echo.url}/health?x=1`, { headers: { 'x-trace': 't1' } }),
      await undiciFetch(`${echo.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":"hi"}' }),
    ]);
    expect(get.headers.get('x-echo')).toBe('yes');
    expect(get.headers.get('x-rehearse-seam')).toBeNull();
    expect(await post.json()).toEqual({ echoed: '{"input":"hi"}' });
    const [a, b] = echo.seen.slice(-2);
    expect(a).toMatchObject({ method: 'GET', path: '/health?x=1', body: '', headers: { 'x-trace': 't1' } });
    expect(b).toMatchObject({ method: 'POST', path: '/v1/embeddings', body: '{"input":"hi"}', headers: { 'content-type': 'application/json' } });
    expect(session.timeline).toEqual([]);
  });
});

describe("an agent that set undici 7's global dispatcher before the fallback went in", () => {
  const agent = new CountingAgent();
  let remove: () => void;
  beforeAll(() => {
    setGlobalDispatcher(agent);
    // undici 7 writes the one agent to both slots
    expect(slots[GLOBAL_DISPATCHER]).toBe(agent);
    expect(slots[GLOBAL_DISPATCHER_V2]).toBe(agent);
    remove = installGlobalDispatcher();
  });
  afterAll(async () => {
    remove();
    await agent.close();
  });

  it('wraps the agent in `.1` only (undici 7 never reads `.2`), and removing restores it', () => {
    expect(getGlobalDispatcher()).toBeInstanceOf(RehearseDispatcher);
    expect((getGlobalDispatcher() as unknown as RehearseDispatcher).previous).toBe(agent);
    expect(slots[GLOBAL_DISPATCHER_V2]).toBe(agent);
  });

  it("answers the agent's model request, and sends its other requests through its own agent", async () => {
    const session = sayItSession();
    const before = agent.dispatched.length;
    const [model, plain] = await runWithInterceptor(session, async () => [
      await undiciFetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify(sayIt) }),
      await undiciFetch(`${echo.url}/orders/42`),
    ]);
    expect(model.headers.get('x-rehearse-seam')).toBe('global-dispatcher');
    expect(((await model.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(SAID);
    expect(plain.headers.get('x-echo')).toBe('yes');
    expect(echo.seen.at(-1)).toMatchObject({ method: 'GET', path: '/orders/42' });
    expect(agent.dispatched.slice(before)).toEqual(['GET /orders/42']);
    expect(session.divergence).toBeUndefined();
  });

  it("answers Node's own fetch as well, which reads the same slot", async () => {
    const session = sayItSession();
    const response = await runWithInterceptor(session, () => fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify(sayIt) }));
    expect(response.headers.get('x-rehearse-seam')).toBe('global-dispatcher');
    expect(session.timeline[0]).toMatchObject({ provider: 'openai (global dispatcher)' });
  });
});

describe('in a real run: an agent that sets an undici 7 agent as global dispatcher when it is imported', () => {
  it("is answered through its own fetch and undici's, with its agent kept behind ours", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-undici7-run-'));
    try {
      const resolve = (name: string): string => pathToFileURL(createRequire(import.meta.url).resolve(name)).href;
      writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: './agent.mjs', export: 'agent' } }));
      writeFileSync(
        join(dir, 'agent.mjs'),
        `import OpenAI from ${JSON.stringify(resolve('openai'))};
import { Agent, fetch as undiciFetch, setGlobalDispatcher } from ${JSON.stringify(resolve('undici'))};
const mine = new Agent({ keepAliveTimeout: 1000 });
setGlobalDispatcher(mine); // at import, as an app configuring a proxy or keep-alive would
const openai = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 }); // no fetch option: the global fetch
export async function agent() {
  const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is order 42?' }] });
  const res = await undiciFetch('https://api.openai.com/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'And order 43?' }] }) });
  const second = await res.json();
  const slot = globalThis[Symbol.for('undici.globalDispatcher.1')];
  return { reply: first.choices[0].message.content + ' ' + second.choices[0].message.content, keptMine: slot.previous === mine, seam: res.headers.get('x-rehearse-seam') };
}
`,
      );
      const model = (content: string, text: string) => ({ type: 'model', provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user', content }] }, response: { text, finishReason: 'stop' } });
      const kase = {
        format: 'rehearse.case',
        version: 1,
        id: 'orders',
        title: 'Orders',
        input: {},
        timeline: [model('Where is order 42?', 'Order 42 has shipped.'), model('And order 43?', 'Order 43 is packed.')],
        outcome: { status: 'failed' },
        assertions: [
          { type: 'equals', path: '/reply', value: 'Order 42 has shipped. Order 43 is packed.' },
          { type: 'equals', path: '/keptMine', value: true },
          { type: 'equals', path: '/seam', value: 'global-dispatcher' },
        ],
      };
      mkdirSync(join(dir, 'suites/core'), { recursive: true });
      writeFileSync(join(dir, 'suites/core/orders.case.json'), JSON.stringify(kase));
      const loaded = await loadConfig(dir, undefined, () => {});
      const outcome = await runSuite({ cwd: dir, config: loaded.config, agentModule: loaded.agentModule, out: join(dir, 'results.json'), workerUrl: WORKER_URL, reporter: {}, onWarning: () => {} });
      const attempt = outcome.results.cases[0]!.attempts[0]!;
      expect(attempt.divergence).toBeUndefined();
      expect(attempt.error).toBeUndefined();
      expect(attempt.assertions.filter((a) => !a.pass)).toEqual([]);
      expect(outcome.results.cases[0]!.status).toBe('passed');
      expect(attempt.timeline?.map((e) => (e.type === 'model' ? e.provider : e.type))).toEqual(['openai (global dispatcher)', 'openai (global dispatcher)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
