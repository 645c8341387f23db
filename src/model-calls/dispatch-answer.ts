/**
 * Hands a `Response` that rehearse made to an undici dispatch handler, as if it came off a socket.
 *
 * undici has two handler APIs and its `fetch` uses either, depending on the line:
 * - v1 (`onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`): Node 20's bundled undici 6 and the
 *   `undici` 7 package (lib/web/fetch/index.js `dispatch()`), reading `undici.globalDispatcher.1`;
 * - the controller API (`onRequestStart`/`onResponseStart`/`onResponseData`/`onResponseEnd`/`onResponseError`,
 *   pausing through `controller.pause()`/`resume()`): undici 8's fetch, reading `undici.globalDispatcher.2`.
 *
 * Both are seen here as one {@link AnswerSink}, so the dispatcher answers either the same way.
 */

/** undici's v1 handler callbacks (Node 20's fetch, the `undici` 6 and 7 packages' fetch). */
export interface V1Handler {
  onConnect?(abort: (reason?: unknown) => void, context?: unknown): void;
  onHeaders?(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
}

/** What undici 8 passes to the controller API's callbacks (lib/core/request.js `RequestController`). */
export interface DispatchController {
  abort(reason?: unknown): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: unknown;
  /** The response headers as undici received them: name, value, name, value… */
  rawHeaders: Buffer[] | null;
  rawTrailers: Buffer[] | null;
}

/** undici's controller handler API (undici 8's fetch; undici 7 accepts it too). */
export interface ControllerHandler {
  onRequestStart(controller: DispatchController, context: unknown): void;
  onResponseStart?(controller: DispatchController, statusCode: number, headers: Record<string, string | string[]>, statusText: string): void;
  onResponseData?(controller: DispatchController, chunk: Buffer): void;
  onResponseEnd?(controller: DispatchController, trailers: Record<string, string | string[]>): void;
  onResponseError?(controller: DispatchController, error: Error): void;
}

/** A handler of either API (anything undici's `dispatch()` may be given). */
export type DispatchHandler = V1Handler | ControllerHandler;

/** One handler seen as the steps of one answer. A returned promise means: the consumer paused, wait for it. */
export interface AnswerSink {
  /** The request started; `abort` (the consumer gave up) ends the answer with an error. */
  start(abort: (reason?: unknown) => void): void;
  headers(status: number, raw: Buffer[], statusText: string): Promise<void> | undefined;
  data(chunk: Buffer): Promise<void> | undefined;
  end(): void;
  error(error: Error): void;
  /** Ends a wait for the consumer: called on abort, so a paused answer does not hang. */
  wake(): void;
}

/** The header our answers carry, so an agent (or a test) can tell who answered. */
export const SEAM_HEADER = 'x-rehearse-seam';

/**
 * The sink for `handler`: the controller API when it has `onRequestStart` (undici itself checks exactly
 * this to tell the APIs apart, dispatcher1-wrapper.js `wrapHandler`), else v1 when it has `onHeaders`;
 * `undefined` for anything else, which the dispatcher then passes on untouched.
 */
export function sinkFor(handler: unknown): AnswerSink | undefined {
  if (handler === null || typeof handler !== 'object') return undefined;
  if (typeof (handler as ControllerHandler).onRequestStart === 'function') return new ControllerSink(handler as ControllerHandler);
  if (typeof (handler as V1Handler).onHeaders === 'function') return new V1Sink(handler as V1Handler);
  return undefined;
}

/** The state of one answer in flight, shared by the dispatcher and {@link deliver}. */
export interface DeliveryState {
  done: boolean;
  reader?: ReadableStreamDefaultReader<Uint8Array>;
}

/** Hands `response` to the sink: status and headers, then the body chunk by chunk, honouring back-pressure. */
export async function deliver(response: Response, sink: AnswerSink, state: DeliveryState): Promise<void> {
  const raw: Buffer[] = [];
  response.headers.forEach((value, name) => raw.push(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1')));
  raw.push(Buffer.from(SEAM_HEADER), Buffer.from('global-dispatcher'));
  await sink.headers(response.status, raw, response.statusText);
  if (!response.body || state.done) return;
  const reader = (state.reader = response.body.getReader());
  for (;;) {
    const { done, value } = await reader.read();
    if (done || state.done) return;
    await sink.data(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
}

/** v1: a callback returning `false` pauses until the `resume` given to `onHeaders` is called. */
class V1Sink implements AnswerSink {
  readonly #handler: V1Handler;
  #wake: (() => void) | undefined;
  /** fetch's Readable calls resume on every read; counting them means a resume before we wait is not lost. */
  #resumes = 0;
  #ended = false;

  constructor(handler: V1Handler) {
    this.#handler = handler;
  }

  start(abort: (reason?: unknown) => void): void {
    this.#handler.onConnect?.(abort);
  }

  headers(status: number, raw: Buffer[], statusText: string): Promise<void> | undefined {
    const before = this.#resumes;
    return this.#handler.onHeaders?.(status, raw, () => this.#resume(), statusText) === false ? this.#paused(before) : undefined;
  }

  data(chunk: Buffer): Promise<void> | undefined {
    const before = this.#resumes;
    return this.#handler.onData?.(chunk) === false ? this.#paused(before) : undefined;
  }

  end(): void {
    this.#ended = true;
    this.#handler.onComplete?.([]);
  }

  error(error: Error): void {
    this.#ended = true;
    this.#handler.onError?.(error);
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #resume(): void {
    this.#resumes++;
    this.wake();
  }

  #paused(before: number): Promise<void> | undefined {
    return this.#resumes === before && !this.#ended ? new Promise<void>((r) => (this.#wake = r)) : undefined;
  }
}

/**
 * The controller API: the handler pauses by calling `controller.pause()` and resumes with
 * `controller.resume()`; `controller.abort(reason)` ends the request with `onResponseError`, as undici's
 * own `RequestController` does (lib/core/request.js).
 */
class ControllerSink implements AnswerSink {
  readonly #handler: ControllerHandler;
  readonly #controller = new AnswerController();

  constructor(handler: ControllerHandler) {
    this.#handler = handler;
  }

  start(abort: (reason?: unknown) => void): void {
    this.#controller.onAbort = abort;
    this.#handler.onRequestStart(this.#controller, null);
  }

  headers(status: number, raw: Buffer[], statusText: string): Promise<void> | undefined {
    this.#controller.rawHeaders = raw;
    this.#handler.onResponseStart?.(this.#controller, status, parseRawHeaders(raw), statusText);
    return this.#controller.waitIfPaused();
  }

  data(chunk: Buffer): Promise<void> | undefined {
    this.#handler.onResponseData?.(this.#controller, chunk);
    return this.#controller.waitIfPaused();
  }

  end(): void {
    this.#controller.rawTrailers = [];
    this.#handler.onResponseEnd?.(this.#controller, {});
  }

  error(error: Error): void {
    this.#handler.onResponseError?.(this.#controller, error);
  }

  wake(): void {
    this.#controller.wake();
  }
}

/** Our side of undici's `RequestController`: the same members, the same semantics. */
class AnswerController implements DispatchController {
  onAbort: (reason?: unknown) => void = () => {};
  rawHeaders: Buffer[] | null = null;
  rawTrailers: Buffer[] | null = null;
  #paused = false;
  #aborted = false;
  #reason: unknown = null;
  #wake: (() => void) | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): unknown {
    return this.#reason;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.wake();
  }

  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.onAbort(reason);
  }

  waitIfPaused(): Promise<void> | undefined {
    return this.#paused && !this.#aborted ? new Promise<void>((r) => (this.#wake = r)) : undefined;
  }

  wake(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Raw headers as undici 8 parses them for `onResponseStart`: lower-case names, repeated names as arrays. */
function parseRawHeaders(raw: Buffer[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  return headers;
}
