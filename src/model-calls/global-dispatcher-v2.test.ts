/**
 * The global-dispatcher fallback in undici 8's slot layout: its agent in `undici.globalDispatcher.2`, read by
 * its fetch with controller-API handlers, and a different object in `.1`. undici 8 does not load on Node 20,
 * so the slot is driven by `controllerApiFetch`, written after undici 8's fetch; behind our wrapper sits a
 * real undici 7 Agent, which takes controller-API handlers too, so delegated requests really go out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher as UndiciDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNetworkGuard } from '../replay/network-guard.js';
import { runWithInterceptor } from '../replay/scope.js';
import { GLOBAL_DISPATCHER, GLOBAL_DISPATCHER_V2, installGlobalDispatcher, RehearseDispatcher } from './global-dispatcher.js';
import { controllerApiFetch, readAll } from './test-support/controller-api-fetch.js';
import { startFakeProvider, type FakeProvider } from './test-support/fake-provider.js';
import { refundTimeline } from './test-support/recorded.js';
import { sessionWith } from './test-support/session.js';
import { deltas, SAID, sayItSession } from './test-support/say-it.js';

const slots = globalThis as unknown as Record<symbol, unknown>;

/** A real undici 7 Agent that records the handler API of what it dispatches. */
class RecordingAgent extends Agent {
  dispatched: { path: string; api: 'controller' | 'v1'; body: unknown }[] = [];
  override dispatch(options: UndiciDispatcher.DispatchOptions, handler: UndiciDispatcher.DispatchHandler): boolean {
    const api = typeof (handler as { onRequestStart?: unknown }).onRequestStart === 'function' ? 'controller' : 'v1';
    this.dispatched.push({ path: options.path, api, body: options.body });
    return super.dispatch(options, handler);
  }
}

async function startEcho(): Promise<{ url: string; seen: { method: string; path: string; body: string; trace?: string }[]; close(): Promise<void> }> {
  const seen: { method: string; path: string; body: string; trace?: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const trace = req.headers['x-trace'];
      seen.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), ...(typeof trace === 'string' ? { trace } : {}) });
      res.writeHead(201, 'Made', [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-echo', 'yes']]);
      res.end('echo');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const CHAT = 'https://api.openai.com/v1/chat/completions';



describe('installing into the slots', () => {
  it('wraps `.2` as well when it holds a different dispatcher than `.1`, and removal restores both', () => {
    void globalThis.Response;
    const one = slots[GLOBAL_DISPATCHER];
    const two = new Agent();
    const before = slots[GLOBAL_DISPATCHER_V2];
    slots[GLOBAL_DISPATCHER_V2] = two;
    try {
      const remove = installGlobalDispatcher();
      expect(slots[GLOBAL_DISPATCHER]).toBeInstanceOf(RehearseDispatcher);
      expect((slots[GLOBAL_DISPATCHER] as RehearseDispatcher).previous).toBe(one);
      expect(slots[GLOBAL_DISPATCHER_V2]).toBeInstanceOf(RehearseDispatcher);
      expect((slots[GLOBAL_DISPATCHER_V2] as RehearseDispatcher).previous).toBe(two);
      // A second install (another copy of rehearse) wraps `.1` again but leaves the wrapped `.2` alone.
      const removeAgain = installGlobalDispatcher();
      expect((slots[GLOBAL_DISPATCHER_V2] as RehearseDispatcher).previous).toBe(two);
      removeAgain();
      remove();
      expect(slots[GLOBAL_DISPATCHER]).toBe(one);
      expect(slots[GLOBAL_DISPATCHER_V2]).toBe(two);
    } finally {
      slots[GLOBAL_DISPATCHER_V2] = before;
      void two.close();
    }
  });

  it('leaves `.2` alone when it is the same agent as `.1` (undici 7, which reads only `.1`)', () => {
    const one = slots[GLOBAL_DISPATCHER];
    const before = slots[GLOBAL_DISPATCHER_V2];
    slots[GLOBAL_DISPATCHER_V2] = one;
    try {
      const remove = installGlobalDispatcher();
      expect(slots[GLOBAL_DISPATCHER]).toBeInstanceOf(RehearseDispatcher);
      expect(slots[GLOBAL_DISPATCHER_V2]).toBe(one);
      remove();
      expect(slots[GLOBAL_DISPATCHER]).toBe(one);
    } finally {
      slots[GLOBAL_DISPATCHER_V2] = before;
    }
  });
});

describe("a fetch that reads `.2` with controller-API handlers (undici 8's layout)", () => {
  const agent = new RecordingAgent();
  let removeGuard: () => void;
  let remove: () => void;
  let previousV2: unknown;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let provider: FakeProvider;

  beforeAll(async () => {
    void globalThis.Response;
    previousV2 = slots[GLOBAL_DISPATCHER_V2];
    slots[GLOBAL_DISPATCHER_V2] = agent; // undici 8: its agent in `.2`, a wrapper of it in `.1`
    removeGuard = installNetworkGuard(); // a model call the fallback missed would be blocked, never sent
    remove = installGlobalDispatcher();
    echo = await startEcho();
    provider = await startFakeProvider(() => ({ text: 'live answer', finishReason: 'stop', usage: { inputTokens: 7, outputTokens: 5 } }));
  });
  afterAll(async () => {
    remove();
    removeGuard();
    slots[GLOBAL_DISPATCHER_V2] = previousV2;
    await Promise.all([echo.close(), provider.close(), agent.close()]);
  });

  it('answers a JSON model request from the recording, in the controller API', async () => {
    const session = sessionWith(refundTimeline());
    const response = await runWithInterceptor(session, () =>
      controllerApiFetch(CHAT, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Refund order 42' }] }) }),
    );
    expect(response.status).toBe(200);
    expect(response.rawHeadersWereBuffers).toBe(true);
    expect(response.headers.get('x-rehearse-seam')).toEqual(['global-dispatcher']);
    expect(response.headers.get('content-type')?.[0]).toContain('application/json');
    const body = JSON.parse(await readAll(response.body)) as { choices: { message: { tool_calls: { function: { arguments: string } }[] } }[] };
    expect(JSON.parse(body.choices[0]!.message.tool_calls[0]!.function.arguments)).toEqual({ id: 42 });
    expect(response.calls[0]).toBe('onRequestStart');
    expect(response.calls.at(-1)).toBe('onResponseEnd');
    expect(session.divergence).toBeUndefined();
    expect(session.timeline[0]).toMatchObject({ type: 'model', provider: 'openai (global dispatcher)', model: 'gpt-4o-mini' });
    expect(agent.dispatched).toEqual([]); // answered here, never sent on
  });

  it('answers a long stream chunk by chunk, pausing while the reader is slow', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const session = sessionWith([{ type: 'model', provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user', content: 'Long' }] }, response: { text: words, finishReason: 'stop' } }]);
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Long' }], stream: true });
    const response = await runWithInterceptor(session, () => controllerApiFetch(CHAT, { method: 'POST', body, highWaterMark: 1024 }));
    await new Promise((r) => setTimeout(r, 30)); // nobody reads: the body buffer fills, the handler pauses
    const pausedAt = response.calls.filter((c) => c === 'onResponseData').length;
    await new Promise((r) => setTimeout(r, 30));
    expect(response.calls.filter((c) => c === 'onResponseData').length).toBe(pausedAt); // held, not dropped
    expect(response.pauses()).toBeGreaterThan(0);
    const text = await readAll(response.body);
    expect(deltas(text).join('')).toBe(words);
    expect(response.calls.filter((c) => c === 'onResponseData').length).toBeGreaterThan(pausedAt);
    expect(response.calls.at(-1)).toBe('onResponseEnd');
  });

  it('ends an aborted stream with onResponseError carrying the reason, and nothing after it', async () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(' ');
    const session = sessionWith([{ type: 'model', provider: 'openai', model: 'gpt-4o-mini', request: { messages: [{ role: 'user', content: 'Long' }] }, response: { text: words, finishReason: 'stop' } }]);
    const controller = new AbortController();
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Long' }], stream: true });
    const response = await runWithInterceptor(session, () => controllerApiFetch(CHAT, { method: 'POST', body, signal: controller.signal, highWaterMark: 1024 }));
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    const error = await (async () => {
      for (;;) {
        const { done } = await iterator.next();
        if (done) return undefined;
      }
    })().catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 20));
    expect(response.calls.filter((c) => c === 'onResponseError')).toHaveLength(1);
    expect(response.calls.at(-1)).toBe('onResponseError');
    expect(response.calls).not.toContain('onResponseEnd');
  });

  it('reports a handler that throws to its onResponseError, as undici does (start, then end)', async () => {
    const dispatcher = slots[GLOBAL_DISPATCHER_V2] as RehearseDispatcher;
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say it' }] });
    const run = (throwIn: 'onResponseStart' | 'onResponseEnd') =>
      new Promise<string[]>((resolve) => {
        const calls: string[] = [];
        const step = (name: string) => () => {
          calls.push(name);
          if (name === throwIn) throw new Error(`thrown in ${name}`);
        };
        runWithInterceptor(sayItSession(), () =>
          dispatcher.dispatch(
            { origin: 'https://api.openai.com', path: '/v1/chat/completions', method: 'POST', body, headers: {} },
            {
              onRequestStart: step('onRequestStart'),
              onResponseStart: step('onResponseStart'),
              onResponseData: step('onResponseData'),
              onResponseEnd: step('onResponseEnd'),
              onResponseError: (_c: unknown, error: Error) => resolve([...calls, `onResponseError: ${error.message}`]),
            },
          ),
        );
      });
    expect(await run('onResponseStart')).toEqual(['onRequestStart', 'onResponseStart', 'onResponseError: thrown in onResponseStart']);
    const ended = await run('onResponseEnd');
    expect(ended.slice(0, 2)).toEqual(['onRequestStart', 'onResponseStart']);
    expect(ended.slice(-2)).toEqual(['onResponseEnd', 'onResponseError: thrown in onResponseEnd']);
  });

  it('names an unrecorded call: a 400 in the provider format and a divergence', async () => {
    const session = sessionWith([]);
    const response = await runWithInterceptor(session, () => controllerApiFetch(CHAT, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) }));
    expect(response.status).toBe(400);
    expect(JSON.parse(await readAll(response.body))).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(session.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 0 });
  });

  it('hands a non-model request to the previous dispatcher untouched: same handler, same options', async () => {
    const session = sessionWith([]);
    const before = agent.dispatched.length;
    const [get, post] = await runWithInterceptor(session, async () => [
      await controllerApiFetch(`${echo.url}/health?x=1`, { headers: { 'x-trace': 't1' } }),
      await controllerApiFetch(`${echo.url}/v1/chat/completions`, { method: 'POST', body: 'not json' }),
    ]);
    expect(get.status).toBe(201);
    expect(get.statusText).toBe('Made');
    expect(get.headers.get('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(get.headers.get('x-rehearse-seam')).toBeUndefined();
    expect(await readAll(get.body)).toBe('echo');
    expect(await readAll(post.body)).toBe('echo');
    expect(echo.seen.slice(-2)).toEqual([
      { method: 'GET', path: '/health?x=1', body: '', trace: 't1' },
      { method: 'POST', path: '/v1/chat/completions', body: 'not json' },
    ]);
    expect(agent.dispatched.slice(before).map(({ path, api }) => ({ path, api }))).toEqual([
      { path: '/health?x=1', api: 'controller' },
      { path: '/v1/chat/completions', api: 'controller' },
    ]);
    expect(session.timeline).toEqual([]);
  });

  it('passes a model request through outside a replay', async () => {
    const before = provider.requests.length;
    const response = await controllerApiFetch(`${provider.baseUrl}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }) });
    expect(response.headers.get('x-rehearse-seam')).toBeUndefined();
    expect(JSON.parse(await readAll(response.body))).toMatchObject({ choices: [{ message: { content: 'live answer' } }] });
    expect(provider.requests.length - before).toBe(1);
    expect(agent.dispatched.at(-1)).toMatchObject({ path: '/v1/chat/completions', api: 'controller' });
  });

  it('makes a live call once, out through the other slot, without answering it twice (live mode)', async () => {
    const session = sessionWith([], { mode: 'live' });
    const before = provider.requests.length;
    const response = await runWithInterceptor(session, () =>
      controllerApiFetch(`${provider.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) }),
    );
    expect(JSON.parse(await readAll(response.body))).toMatchObject({ choices: [{ message: { content: 'live answer' } }] });
    expect(response.headers.get('x-rehearse-seam')).toEqual(['global-dispatcher']);
    expect(provider.requests.length - before).toBe(1);
    expect(provider.requests.at(-1)!.headers['authorization']).toBe('Bearer sk-test');
    expect(session.timeline).toHaveLength(1);
    expect(session.timeline[0]).toMatchObject({ provider: 'openai (global dispatcher)', response: { usage: { inputTokens: 7, outputTokens: 5 } } });
  });
});
