import { Readable } from 'node:stream';

/** The slot undici 8's fetch reads its dispatcher from (lib/global.js `getGlobalDispatcher`). */
const SLOT_V2 = Symbol.for('undici.globalDispatcher.2');

/** What the hand-written fetch returns: the response as undici 8's fetch builds it, plus what it saw. */
export interface ControllerFetchResult {
  status: number;
  statusText: string;
  /** Built from `controller.rawHeaders` when set, else from the parsed headers object, as undici 8 does. */
  headers: Map<string, string[]>;
  /** Whether `controller.rawHeaders` was a Buffer array when `onResponseStart` ran. */
  rawHeadersWereBuffers: boolean;
  body: Readable;
  /** The handler callbacks in the order they were called. */
  calls: string[];
  /** How often the handler paused the dispatcher because its body buffer was full. */
  pauses: () => number;
}

interface Controller {
  abort(reason?: unknown): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  rawHeaders?: unknown;
}

/**
 * Drives the `.2` global dispatcher the way undici 8's `fetch` does, written after its source
 * (undici 8.13.1, lib/web/fetch/index.js, `dispatch()` and its handler): the same dispatch options (the
 * body an async generator of bytes, the headers an object, `maxRedirections: 0`) and the controller-API
 * handler: the body is a Readable whose `read` calls `controller.resume()`, a full buffer calls
 * `controller.pause()`, an abort calls `controller.abort(reason)`, and `onResponseError` rejects unless the
 * response already resolved. undici 8 itself cannot load on Node 20 (it needs `Promise.withResolvers` and
 * zstd), so this stands in for it; it reads the slot on every call, as fetch does.
 */
export function controllerApiFetch(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal; highWaterMark?: number } = {},
): Promise<ControllerFetchResult> {
  const dispatcher = (globalThis as Record<symbol, { dispatch(o: unknown, h: unknown): boolean } | undefined>)[SLOT_V2];
  if (!dispatcher) throw new Error('no dispatcher in undici.globalDispatcher.2');
  const target = new URL(url);
  const text = init.body;
  const body =
    text === undefined
      ? null
      : (async function* () {
          // Two chunks, as a streamed request body may arrive: the dispatcher must join them.
          const bytes = new TextEncoder().encode(text);
          const half = Math.floor(bytes.length / 2);
          yield bytes.subarray(0, half);
          yield bytes.subarray(half);
        })();
  const calls: string[] = [];
  let pauses = 0;
  return new Promise<ControllerFetchResult>((resolve, reject) => {
    let readable: Readable | undefined;
    let settled = false;
    dispatcher.dispatch(
      {
        path: target.pathname + target.search,
        origin: target.origin,
        method: init.method ?? 'GET',
        body,
        __mockAgentBodyForDispatch: body,
        headers: { ...init.headers },
        maxRedirections: 0,
        upgrade: undefined,
      },
      {
        onRequestStart(controller: Controller) {
          calls.push('onRequestStart');
          const abort = (): void => controller.abort(new DOMException('The operation was aborted.', 'AbortError'));
          if (init.signal?.aborted) abort();
          else init.signal?.addEventListener('abort', abort, { once: true });
        },
        onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[]>, statusText: string) {
          calls.push('onResponseStart');
          const list = new Map<string, string[]>();
          const raw = controller.rawHeaders;
          const add = (name: string, value: string): void => void list.set(name, [...(list.get(name) ?? []), value]);
          if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) add(String(raw[i]).toLowerCase(), String(raw[i + 1]));
          else for (const [name, value] of Object.entries(headers)) for (const v of Array.isArray(value) ? value : [value]) add(name, v);
          readable = new Readable({ read: () => controller.resume(), highWaterMark: init.highWaterMark ?? 16 * 1024 });
          readable.on('error', () => {});
          settled = true;
          resolve({
            status,
            statusText,
            headers: list,
            rawHeadersWereBuffers: Array.isArray(raw) && raw.every((b) => Buffer.isBuffer(b)),
            body: readable,
            calls,
            pauses: () => pauses,
          });
        },
        onResponseData(controller: Controller, chunk: Buffer) {
          calls.push('onResponseData');
          if (readable!.push(chunk) === false) {
            pauses++;
            controller.pause();
          }
        },
        onResponseEnd() {
          calls.push('onResponseEnd');
          readable?.push(null);
        },
        onResponseError(_controller: Controller, error: Error) {
          calls.push('onResponseError');
          readable?.destroy(error);
          if (!settled) reject(error);
        },
      },
    );
  });
}

/** Reads a Readable to its end as UTF-8 text. */
export async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
