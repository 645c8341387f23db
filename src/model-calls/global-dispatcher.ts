/**
 * The fallback model-call seam: a global undici dispatcher for clients that were not given
 * `fetch: rehearse.fetch` but use the global `fetch` (or the `undici` package's) when they call.
 *
 * undici's `fetch` reads its dispatcher from a registered symbol on `globalThis` on every request, so
 * replacing it reaches clients that captured `globalThis.fetch` long ago. Which slot, and which handler
 * API, depends on the undici line (see docs/model-calls.md, "the global dispatcher fallback"):
 * - undici 6 (Node 20's, tested) and the `undici` 7 package (tested, the line Node 24 bundles): `fetch`
 *   reads `undici.globalDispatcher.1` and passes a v1 handler (`onHeaders`/`onData`/`onComplete`).
 *   undici 7's `setGlobalDispatcher` writes one agent to both slots; only `.1` is read.
 * - undici 8 (Node >= 22.19 as a package): `fetch` reads `undici.globalDispatcher.2` and passes a
 *   controller-API handler (`onRequestStart`/`onResponseStart`/…); `.1` holds a `Dispatcher1Wrapper`
 *   around the same agent for older code. Tested with a client written after undici 8.13's fetch
 *   (test-support/controller-api-fetch.ts): undici 8 does not load on Node 20 as is. Its own fetch was
 *   checked once by hand on Node 20 with its missing Node 22 features shimmed (`Promise.withResolvers`,
 *   `zlib.createZstdDecompress`, `worker_threads.markAsUncloneable`): JSON, SSE, abort, pass-through, live.
 * So this module wraps `.1`, and `.2` too when it holds its own dispatcher. Each wrapper hands everything to
 * the dispatcher it replaced, untouched, except a model API request made inside a replay, which is answered
 * through `rehearse.fetch` (recorded, cached or live, streams included) in the handler's own API.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentInterceptor, runWithInterceptor, type ToolInterceptor } from '../replay/scope.js';
import { deliver, sinkFor, type AnswerSink, type DeliveryState, type DispatchHandler } from './dispatch-answer.js';
import { rehearseFetch, type ModelCallInterceptor } from './fetch.js';
import { adapterFor } from './providers/index.js';

export { SEAM_HEADER, type DispatchHandler } from './dispatch-answer.js';

/** The slot undici 6 and 7 read (Node 20's fetch, the `undici` 6 and 7 packages). */
export const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The slot undici 8 reads; undici 7 writes it too (the same agent as `.1`) but never reads it. */
export const GLOBAL_DISPATCHER_V2 = Symbol.for('undici.globalDispatcher.2');

/** Added to the model event's `provider` when this fallback answered the call: `openai (global dispatcher)`. */
export const FALLBACK_TAG = ' (global dispatcher)';

/** The part of undici's Dispatcher that fetch uses. */
export interface Dispatcher {
  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean;
  close?(...args: unknown[]): unknown;
  destroy?(...args: unknown[]): unknown;
  isMockActive?: boolean;
  webSocketOptions?: unknown;
  eventSourceOptions?: unknown;
}

/** undici's dispatch options (the fields this seam reads). */
export interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: unknown;
  body?: unknown;
  upgrade?: string | null;
  [key: string]: unknown;
}

type GlobalSlots = typeof globalThis & { [GLOBAL_DISPATCHER]?: Dispatcher; [GLOBAL_DISPATCHER_V2]?: Dispatcher };

/**
 * Set while rehearse.fetch runs for a request a wrapper answers: its live call must go out, not come back.
 * One for all wrappers, because the live call may come back through the other slot (an undici 8 package's
 * fetch answered in `.2`, the live call made by Node's own fetch through `.1`).
 */
const passthrough = new AsyncLocalStorage<true>();

/**
 * Hands every request to `previous`, except model API requests inside a replay, which rehearse answers.
 * Answers handlers of both undici APIs (v1 and controller); a handler of neither is delegated untouched.
 */
export class RehearseDispatcher implements Dispatcher {
  readonly previous: Dispatcher;

  constructor(previous: Dispatcher) {
    this.previous = previous;
  }

  get isMockActive(): boolean | undefined {
    return this.previous.isMockActive;
  }

  /** undici reads WebSocket and EventSource limits from the global dispatcher. */
  get webSocketOptions(): unknown {
    return this.previous.webSocketOptions;
  }

  get eventSourceOptions(): unknown {
    return this.previous.eventSourceOptions;
  }

  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean {
    const interceptor = passthrough.getStore() ? undefined : (currentInterceptor() as Partial<ModelCallInterceptor> | undefined);
    const sink = typeof interceptor?.callModel === 'function' && isModelRequest(options) ? sinkFor(handler) : undefined;
    if (!sink) return this.previous.dispatch(options, handler);
    void this.#answer(options, handler, sink, interceptor as ModelCallInterceptor);
    return true;
  }

  close(...args: unknown[]): unknown {
    return this.previous.close?.(...args);
  }

  destroy(...args: unknown[]): unknown {
    return this.previous.destroy?.(...args);
  }

  async #answer(options: DispatchOptions, handler: DispatchHandler, sink: AnswerSink, interceptor: ModelCallInterceptor): Promise<void> {
    const state: DeliveryState = { done: false };
    const fail = (error: unknown): void => {
      if (state.done) return;
      state.done = true;
      void state.reader?.cancel(error).catch(() => {});
      sink.wake();
      sink.error(error instanceof Error ? error : new Error(String(error)));
    };
    let text: string | undefined;
    try {
      text = await readBody(options.body);
    } catch (error) {
      fail(error);
      return;
    }
    if (!isJson(text)) {
      // Not a model call after all: send it as it was, with the body we already read.
      this.previous.dispatch({ ...options, body: text ?? null }, handler);
      return;
    }
    try {
      sink.start((reason) => fail(reason ?? new Error('the request was aborted')));
    } catch (error) {
      fail(error); // a handler that throws is failed, as undici does, never left as an unhandled rejection
      return;
    }
    if (state.done) return;
    const url = new URL(options.path, options.origin);
    const tagged = taggedInterceptor(interceptor) as unknown as ToolInterceptor;
    let response: Response;
    try {
      response = await passthrough.run(true, () =>
        runWithInterceptor(tagged, () => rehearseFetch(url, { method: 'POST', headers: headerPairs(options.headers), body: text })),
      );
    } catch (error) {
      fail(error);
      return;
    }
    if (state.done) return;
    try {
      await deliver(response, sink, state);
    } catch (error) {
      fail(error);
      return;
    }
    if (state.done) return;
    state.done = true; // an abort after the end is too late to report
    try {
      sink.end();
    } catch (error) {
      state.done = false; // undici reports a throwing end callback to the error callback
      fail(error);
    }
  }
}

/**
 * Installs the fallback for this thread and returns a function that removes it.
 *
 * Wraps the dispatcher in `.1`, and the one in `.2` when it is a different object (undici 8 keeps its agent
 * there and a wrapper of it in `.1`; undici 7 puts the same agent in both and reads only `.1`).
 *
 * Loading Node's undici costs tens of milliseconds, so nothing is loaded here: when undici is not loaded
 * yet, `globalThis.fetch` is wrapped once, and its first call loads undici and installs the dispatcher
 * before the request is made. Code that loads the `undici` package and never calls the global `fetch`
 * is covered from the first global `fetch` on.
 */
export function installGlobalDispatcher(): () => void {
  const g = globalThis as GlobalSlots;
  let installed: RehearseDispatcher | undefined;
  let installedV2: RehearseDispatcher | undefined;
  const wrap = (): void => {
    const current = g[GLOBAL_DISPATCHER];
    if (installed || !isDispatcher(current)) return;
    const currentV2 = g[GLOBAL_DISPATCHER_V2];
    installed = new RehearseDispatcher(current);
    g[GLOBAL_DISPATCHER] = installed;
    // undici 7 (one agent in both slots) reads only `.1`: wrapping `.2` as well is for undici 8's own agent.
    if (isDispatcher(currentV2) && currentV2 !== unwrapped(current) && !(currentV2 instanceof RehearseDispatcher)) {
      installedV2 = new RehearseDispatcher(currentV2);
      g[GLOBAL_DISPATCHER_V2] = installedV2;
    }
  };
  wrap();
  const originalFetch = globalThis.fetch;
  let trigger: typeof fetch | undefined;
  if (!installed && typeof originalFetch === 'function') {
    trigger = function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      if (!installed) {
        void globalThis.Response; // loads Node's undici, which sets its default dispatcher
        wrap();
        if (globalThis.fetch === trigger) globalThis.fetch = originalFetch;
      }
      return originalFetch(input, init);
    } as typeof fetch;
    globalThis.fetch = trigger;
  }
  return () => {
    if (trigger && globalThis.fetch === trigger) globalThis.fetch = originalFetch;
    if (installed && g[GLOBAL_DISPATCHER] === installed) g[GLOBAL_DISPATCHER] = installed.previous;
    if (installedV2 && g[GLOBAL_DISPATCHER_V2] === installedV2) g[GLOBAL_DISPATCHER_V2] = installedV2.previous;
    installed = installedV2 = undefined;
  };
}

/** The dispatcher under our wrappers (an earlier install may have wrapped `.1` already). */
function unwrapped(dispatcher: Dispatcher): Dispatcher {
  let inner = dispatcher;
  while (inner instanceof RehearseDispatcher) inner = inner.previous;
  return inner;
}

function isDispatcher(value: unknown): value is Dispatcher {
  return typeof (value as Dispatcher | undefined)?.dispatch === 'function';
}

/** A POST to a model API path with a body we can read (the handler is checked by `sinkFor`). */
function isModelRequest(options: DispatchOptions): boolean {
  if (options.method !== 'POST' || options.upgrade) return false;
  if (typeof options.path !== 'string' || options.origin === undefined) return false;
  const query = options.path.indexOf('?');
  if (!adapterFor(query < 0 ? options.path : options.path.slice(0, query))) return false;
  const body = options.body as { [Symbol.asyncIterator]?: unknown } | null | undefined;
  return typeof body === 'string' || body instanceof Uint8Array || typeof body?.[Symbol.asyncIterator] === 'function';
}

async function readBody(body: unknown): Promise<string | undefined> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function isJson(text: string | undefined): text is string {
  if (text === undefined) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Headers the transport owns; the body is sent again as text, so its length is recomputed. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive']);

/** undici accepts headers as an object (values may be arrays), a flat array, or an array of pairs. */
function headerPairs(headers: unknown): [string, string][] {
  const pairs: [string, string][] = [];
  const add = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null || TRANSPORT_HEADERS.has(String(name).toLowerCase())) return;
    if (Array.isArray(value)) for (const v of value) pairs.push([String(name), String(v)]);
    else pairs.push([String(name), String(value)]);
  };
  if (Array.isArray(headers)) {
    if (headers.every((h) => Array.isArray(h))) for (const [name, value] of headers as unknown[][]) add(name, value);
    else for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
  } else if (headers !== null && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) add(name, value);
  }
  return pairs;
}

/** The replay's interceptor, with the model event marked as answered by this fallback. */
function taggedInterceptor(interceptor: ModelCallInterceptor): ModelCallInterceptor {
  const tagged = Object.create(interceptor) as ModelCallInterceptor & Record<string, unknown>;
  // Methods are bound to the real session (its private fields do not resolve through a prototype).
  for (const name of ['callTool', 'blockNetwork'] as const) {
    const method = (interceptor as unknown as Record<string, unknown>)[name];
    if (typeof method === 'function') tagged[name] = method.bind(interceptor);
  }
  tagged.callModel = (call, invokeLive) => interceptor.callModel({ ...call, provider: call.provider + FALLBACK_TAG }, invokeLive);
  return tagged;
}
