/**
 * The fallback model-call seam: a global undici dispatcher for clients that were not given
 * `fetch: rehearse.fetch` but use the global `fetch` (or the `undici` package) when they call.
 *
 * Node's built-in `fetch` sends every request through the dispatcher stored on
 * `globalThis[Symbol.for('undici.globalDispatcher.1')]` (Node 20 bundles undici 6). Replacing it reaches
 * clients that captured `globalThis.fetch` long ago, because they still read the dispatcher per request.
 * Ours hands everything to the dispatcher it replaced, except a model API request made inside a replay,
 * which is answered through `rehearse.fetch` (recorded, cached or live, streams included).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentInterceptor, runWithInterceptor, type ToolInterceptor } from '../replay/scope.js';
import { rehearseFetch, type ModelCallInterceptor } from './fetch.js';
import { adapterFor } from './providers/index.js';

/** Where undici (Node's own and the npm package, v5 and v6) keeps the global dispatcher. */
export const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Added to the model event's `provider` when this fallback answered the call: `openai (global dispatcher)`. */
export const FALLBACK_TAG = ' (global dispatcher)';

/** The header our answers carry, so an agent (or a test) can tell who answered. */
export const SEAM_HEADER = 'x-rehearse-seam';

/** The part of undici's Dispatcher that fetch uses. */
export interface Dispatcher {
  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean;
  close?(...args: unknown[]): unknown;
  destroy?(...args: unknown[]): unknown;
  isMockActive?: boolean;
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

/** undici's v1 handler callbacks, the ones Node 20's fetch passes. */
export interface DispatchHandler {
  onConnect?(abort: (reason?: unknown) => void): void;
  onHeaders?(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
}

type GlobalSlot = typeof globalThis & { [GLOBAL_DISPATCHER]?: Dispatcher };

/**
 * Hands every request to `previous`, except model API requests inside a replay, which rehearse answers.
 * Works with v1 handlers (`onHeaders`/`onData`/`onComplete`); any other handler is delegated untouched.
 */
export class RehearseDispatcher implements Dispatcher {
  readonly previous: Dispatcher;
  /** Set while rehearse.fetch runs for a request of ours: its live call must go out, not come back here. */
  readonly #passthrough = new AsyncLocalStorage<true>();

  constructor(previous: Dispatcher) {
    this.previous = previous;
  }

  get isMockActive(): boolean | undefined {
    return this.previous.isMockActive;
  }

  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean {
    const interceptor = this.#passthrough.getStore() ? undefined : (currentInterceptor() as Partial<ModelCallInterceptor> | undefined);
    if (typeof interceptor?.callModel !== 'function' || !isModelRequest(options, handler)) return this.previous.dispatch(options, handler);
    void this.#answer(options, handler, interceptor as ModelCallInterceptor);
    return true;
  }

  close(...args: unknown[]): unknown {
    return this.previous.close?.(...args);
  }

  destroy(...args: unknown[]): unknown {
    return this.previous.destroy?.(...args);
  }

  async #answer(options: DispatchOptions, handler: DispatchHandler, interceptor: ModelCallInterceptor): Promise<void> {
    const state: DeliveryState = { done: false, resumes: 0 };
    const fail = (error: unknown): void => {
      if (state.done) return;
      state.done = true;
      void state.reader?.cancel(error).catch(() => {});
      state.wake?.();
      handler.onError?.(error instanceof Error ? error : new Error(String(error)));
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
    handler.onConnect?.((reason) => fail(reason ?? new Error('the request was aborted')));
    if (state.done) return;
    const url = new URL(options.path, options.origin);
    const tagged = taggedInterceptor(interceptor) as unknown as ToolInterceptor;
    let response: Response;
    try {
      response = await this.#passthrough.run(true, () =>
        runWithInterceptor(tagged, () => rehearseFetch(url, { method: 'POST', headers: headerPairs(options.headers), body: text })),
      );
    } catch (error) {
      fail(error);
      return;
    }
    if (state.done) return;
    try {
      await deliver(response, handler, state);
    } catch (error) {
      fail(error);
      return;
    }
    if (!state.done) {
      state.done = true;
      handler.onComplete?.([]);
    }
  }
}

/** One answer in flight: whether it ended, its body reader, and the back-pressure handshake. */
interface DeliveryState {
  done: boolean;
  reader?: ReadableStreamDefaultReader<Uint8Array>;
  /** Resolves the wait for the consumer; also called on abort so the wait ends. */
  wake?: () => void;
  /** fetch's Readable calls resume on every read; counting them means a resume before we wait is not lost. */
  resumes: number;
}

/**
 * Installs the fallback for this thread and returns a function that removes it.
 *
 * Loading Node's undici costs tens of milliseconds, so nothing is loaded here: when undici is not loaded
 * yet, `globalThis.fetch` is wrapped once, and its first call loads undici and installs the dispatcher
 * before the request is made. Code that loads the `undici` package and never calls the global `fetch`
 * is covered from the first global `fetch` on.
 */
export function installGlobalDispatcher(): () => void {
  const g = globalThis as GlobalSlot;
  let installed: RehearseDispatcher | undefined;
  const wrap = (): void => {
    const current = g[GLOBAL_DISPATCHER];
    if (installed || !current || typeof current.dispatch !== 'function') return;
    installed = new RehearseDispatcher(current);
    g[GLOBAL_DISPATCHER] = installed;
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
    installed = undefined;
  };
}

/** A POST to a model API path with a body we can read and a v1 handler. */
function isModelRequest(options: DispatchOptions, handler: DispatchHandler): boolean {
  if (options.method !== 'POST' || options.upgrade || typeof handler?.onHeaders !== 'function') return false;
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

/** Hands a Response to a v1 handler: status and headers, then the body chunk by chunk, honouring back-pressure. */
async function deliver(response: Response, handler: DispatchHandler, state: DeliveryState): Promise<void> {
  const resume = (): void => {
    state.resumes++;
    const wake = state.wake;
    state.wake = undefined;
    wake?.();
  };
  const paused = (before: number): Promise<void> | undefined =>
    state.resumes === before && !state.done ? new Promise<void>((r) => (state.wake = r)) : undefined;
  const raw: Buffer[] = [];
  response.headers.forEach((value, name) => raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')));
  raw.push(Buffer.from(SEAM_HEADER), Buffer.from('global-dispatcher'));
  let before = state.resumes;
  if (handler.onHeaders?.(response.status, raw, resume, response.statusText) === false) await paused(before);
  if (!response.body || state.done) return;
  const reader = (state.reader = response.body.getReader());
  for (;;) {
    const { done, value } = await reader.read();
    if (done || state.done) return;
    before = state.resumes;
    if (handler.onData?.(Buffer.from(value.buffer, value.byteOffset, value.byteLength)) === false) await paused(before);
  }
}
