import type { Json } from '../model/json.js';
import { mapChatRequest } from '../capture/model-shapes.js';
import { currentInterceptor } from '../replay/scope.js';
import { currentCaptureScope } from '../capture/run-scope.js';
import type { ModelCallEvent } from '../model/case.js';
import { adapterFor, type ProviderAdapter } from './providers/index.js';
import { parseSse, sseStream } from './sse.js';
import type { LiveModelResponse, ModelCallAnswer, ModelCallRequest } from './types.js';

/** The part of a replay session the model-call seams talk to. */
export interface ModelCallInterceptor {
  callModel(call: ModelCallRequest, invokeLive: () => Promise<LiveModelResponse>): Promise<ModelCallAnswer>;
}

/** How the fetch seam stores a response in the cache: the HTTP answer as the provider sent it. */
interface HttpPayload {
  status: number;
  contentType: string;
  body: string;
}

let answers = 0;

/**
 * A `fetch` for model clients: `new OpenAI({ fetch: rehearse.fetch })`, `new Anthropic({ fetch: rehearse.fetch })`.
 *
 * Outside a replay it is `globalThis.fetch`, unchanged (looked up on each call). Inside one, requests to a
 * model API (OpenAI Chat Completions and Responses, Anthropic Messages, and OpenAI-compatible gateways on
 * the same paths) are answered per the replay's model mode: from the recording, from the response cache,
 * or by the real provider. Streamed requests get a stream in the provider's own SSE format, one event per
 * chunk. A call the replay cannot answer gets a 400 response the SDKs do not retry, naming the call, and
 * the attempt is marked diverged at once.
 */
export async function rehearseFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const interceptor = currentInterceptor() as Partial<ModelCallInterceptor> | undefined;
  if (typeof interceptor?.callModel !== 'function') return interceptor ? captureFetch(input, init) : globalThis.fetch(input, init);
  const recognized = await readModelRequest(input, init);
  if (!recognized) return passThrough(interceptor, input, init);
  const { adapter, text, body } = recognized;
  const { model, ...request } = mapChatRequest(body);
  const stream = (body as { stream?: unknown } | undefined)?.stream === true;
  const call: ModelCallRequest = { provider: adapter.provider, api: adapter.api, request, stream, identity: body };
  if (model !== undefined) call.model = model;
  let answer: ModelCallAnswer;
  try {
    answer = await interceptor.callModel(call, () => fetchLive(input, init, text, adapter));
  } catch (error) {
    if ((error as { code?: unknown })?.code === 'REHEARSE_DIVERGED') return missResponse(adapter, (error as Error).message);
    // The network guard refused the live call: the divergence is recorded; answer so the SDK does not retry.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
    if (cause?.code === 'EREHEARSEBLOCKED') return missResponse(adapter, String(cause.message));
    throw error;
  }
  return answerResponse(answer, adapter, stream);
}

/**
 * Inside `capture()`: makes the real call and records it in the run's timeline, mapped like the replay maps
 * it (so the case answers it exactly). The agent gets the response as it arrives; a streamed body is
 * teed and read to its end in the background.
 */
async function captureFetch(input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
  const scope = currentCaptureScope();
  const recognized = scope && (await readModelRequest(input, init));
  if (!scope || !recognized) return globalThis.fetch(input, init);
  const { adapter, text, body } = recognized;
  const { model, ...request } = mapChatRequest(body);
  const event: ModelCallEvent = { type: 'model', provider: adapter.provider, request, response: {}, startedAt: new Date().toISOString() };
  if (model !== undefined) event.model = model;
  const settle = scope.begin(event);
  let response: Response;
  try {
    response = await globalThis.fetch(input instanceof Request ? input.clone() : input, init && text !== undefined ? { ...init, body: text } : init);
  } catch (error) {
    settle((e) => (e.response = { finishReason: 'error' }));
    throw error;
  }
  if (!response.ok || !response.body) {
    settle((e) => (e.response = { finishReason: 'error' }));
    return response;
  }
  const [forAgent, forRecord] = response.body.tee();
  const contentType = response.headers.get('content-type') ?? '';
  void new Response(forRecord).text().then(
    (raw) =>
      settle((e) => {
        let read;
        try {
          read = contentType.includes('text/event-stream') ? adapter.readSse(parseSse(raw)) : adapter.readJson(JSON.parse(raw));
        } catch {
          read = {};
        }
        const { id, model: answeredBy, ...answer } = read;
        e.response = answer;
        if (id !== undefined) e.id = id;
        if (answeredBy !== undefined && e.model === undefined) e.model = answeredBy;
      }),
    () => settle((e) => (e.response = { finishReason: 'error' })),
  );
  return new Response(forAgent, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * A request `rehearse.fetch` does not answer (embeddings, files, anything but a mapped model API) goes to the
 * network as it is; the replay session is told, so that if the network guard blocks it, the divergence
 * says what it was and how to make it replayable.
 */
function passThrough(interceptor: object, input: string | URL | Request, init: RequestInit | undefined): Promise<Response> {
  const session = interceptor as { passThrough?: (request: string, send: () => Promise<Response>) => Promise<Response> };
  if (typeof session.passThrough !== 'function') return globalThis.fetch(input, init);
  const { url, method } = requestTarget(input, init);
  return session.passThrough(`${method} ${url.pathname}`, () => globalThis.fetch(input, init));
}

/** The URL and (upper-case) method a fetch call is for. */
function requestTarget(input: string | URL | Request, init: RequestInit | undefined): { url: URL; method: string } {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  return { url, method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase() };
}

/**
 * A POST to a model API path with a JSON body: its provider adapter, the body text (to send on unchanged) and
 * the parsed body. Anything else is not a model call and goes to the network as it is.
 */
async function readModelRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<{ adapter: ProviderAdapter; text: string | undefined; body: unknown } | undefined> {
  const { url, method } = requestTarget(input, init);
  const adapter = method === 'POST' ? adapterFor(url.pathname) : undefined;
  if (!adapter) return undefined;
  const text = await bodyText(input, init);
  try {
    return { adapter, text, body: text === undefined ? undefined : JSON.parse(text) };
  } catch {
    return undefined;
  }
}

async function bodyText(input: string | URL | Request, init: RequestInit | undefined): Promise<string | undefined> {
  const body = init?.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  if (body !== undefined && body !== null) return new Response(body as ConstructorParameters<typeof Response>[0]).text();
  if (input instanceof Request) return input.clone().text();
  return undefined;
}

/** Makes the real call and reads it back, keeping the raw answer so the cache can replay it byte for byte. */
async function fetchLive(input: string | URL | Request, init: RequestInit | undefined, text: string | undefined, adapter: ProviderAdapter): Promise<LiveModelResponse> {
  // The body was read above; send the text again so a one-shot body stream is not consumed twice.
  const response = await globalThis.fetch(input instanceof Request ? input.clone() : input, init && text !== undefined ? { ...init, body: text } : init);
  const contentType = response.headers.get('content-type') ?? 'application/json';
  const raw = await response.text();
  const payload: HttpPayload = { status: response.status, contentType, body: raw };
  if (!response.ok) return { response: { finishReason: 'error' }, payload: payload as unknown as Json };
  let read;
  try {
    read = contentType.includes('text/event-stream') ? adapter.readSse(parseSse(raw)) : adapter.readJson(JSON.parse(raw));
  } catch {
    read = {};
  }
  const { id, model, ...event } = read;
  const live: LiveModelResponse = { response: event, payload: payload as unknown as Json };
  if (id !== undefined) live.id = id;
  if (model !== undefined) live.model = model;
  return live;
}

function answerResponse(answer: ModelCallAnswer, adapter: ProviderAdapter, stream: boolean): Response {
  const headers = { 'x-rehearse-source': answer.source };
  const payload = answer.payload as HttpPayload | undefined;
  if (payload && typeof payload.body === 'string') {
    const isStream = payload.contentType.includes('text/event-stream');
    return new Response(isStream ? sseStream(parseSse(payload.body)) : payload.body, { status: payload.status, headers: { ...headers, 'content-type': payload.contentType } });
  }
  const n = ++answers;
  if (stream) return new Response(sseStream(adapter.sseEvents(answer.event, n)), { status: 200, headers: { ...headers, 'content-type': 'text/event-stream' } });
  return new Response(JSON.stringify(adapter.jsonBody(answer.event, n)), { status: 200, headers: { ...headers, 'content-type': 'application/json' } });
}

/** A 400 in the provider's error format: the SDKs surface it at once instead of retrying. */
function missResponse(adapter: ProviderAdapter, message: string): Response {
  const text = `rehearse: ${message}`;
  const body =
    adapter.provider === 'anthropic'
      ? { type: 'error', error: { type: 'invalid_request_error', message: text } }
      : { error: { message: text, type: 'invalid_request_error', code: 'rehearse_unrecorded_model_call', param: null } };
  return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json', 'x-should-retry': 'false' } });
}
