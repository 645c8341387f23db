import type { ModelCallEvent } from '../model/case.js';
import type { Json } from '../model/json.js';
import { toJsonValue } from '../capture/json-value.js';
import { currentCaptureScope } from '../capture/run-scope.js';
import { currentInterceptor } from '../replay/scope.js';
import type { ModelCallInterceptor } from './fetch.js';
import { textDeltas } from './providers/adapter.js';
import {
  mapV3Request,
  readV3Content,
  reviveDates,
  toV3Content,
  toV3FinishReason,
  toV3StreamParts,
  toV3Usage,
  type V3CallOptions,
  type V3FinishReason,
  type V3GenerateResult,
  type V3Usage,
} from './ai-sdk-shapes.js';
import type { LiveModelResponse, ModelCallAnswer, ModelCallRequest } from './types.js';

type Loose = Record<string, unknown>;
interface V3Model {
  provider: string;
  modelId: string;
}
interface V3StreamResult {
  stream: ReadableStream<Loose>;
  [key: string]: unknown;
}

/*
 * The SDK's own types are not imported (rehearse does not depend on `ai`), and its interfaces do not fit
 * structural stand-ins exactly, so the public signature is deliberately loose: any `ai` 6 model fits.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
/** A LanguageModelV3 middleware, as `wrapLanguageModel({ model, middleware })` from `ai` 6 takes it. */
export interface RehearseLanguageModelMiddleware {
  readonly specificationVersion: 'v3';
  wrapGenerate(options: { doGenerate: () => PromiseLike<any>; params: any; model: V3Model }): Promise<any>;
  wrapStream(options: { doStream: () => PromiseLike<any>; params: any; model: V3Model }): Promise<any>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

interface TypedOptions<R> {
  params: V3CallOptions;
  model: V3Model;
  run: () => PromiseLike<R>;
}

let answers = 0;

/**
 * AI SDK middleware: `wrapLanguageModel({ model: openai('gpt-4o'), middleware: rehearseMiddleware() })`.
 *
 * In a replay, `generateText`/`streamText` calls are answered per the replay's model mode (recorded,
 * cached, live), streams part by part. In a capture, each call is recorded in the run's timeline.
 * Anywhere else it calls the model unchanged. A call the replay cannot answer throws a divergence error,
 * which the SDK does not retry.
 */
export function rehearseMiddleware(): RehearseLanguageModelMiddleware {
  return {
    specificationVersion: 'v3',

    async wrapGenerate(options) {
      return generate({ run: options.doGenerate, params: options.params as V3CallOptions, model: options.model });
    },

    async wrapStream(options) {
      return stream({ run: options.doStream, params: options.params as V3CallOptions, model: options.model });
    },
  };
}

/** Answers or records one `doGenerate`. */
async function generate({ run: doGenerate, params, model }: TypedOptions<V3GenerateResult>): Promise<V3GenerateResult> {
  const interceptor = currentInterceptor() as Partial<ModelCallInterceptor> | undefined;
  if (typeof interceptor?.callModel !== 'function') return recordGenerate(doGenerate, params, model);
  const answer = await interceptor.callModel(callOf(params, model, false), async () => {
    const result = await doGenerate();
    return liveOf(readV3Content(result.content, result.finishReason, result.usage), { kind: 'generate', result: toJsonValue(withoutRequest(result)) }, result.response);
  });
  const payload = answer.payload as { kind?: string; result?: V3GenerateResult } | undefined;
  if (payload?.kind === 'generate' && payload.result) {
    const result = payload.result;
    return result.response ? { ...result, response: reviveDates(result.response) } : result;
  }
  return generateFromEvent(answer.event);
}

/** Answers or records one `doStream`. */
async function stream({ run: doStream, params, model }: TypedOptions<V3StreamResult>): Promise<V3StreamResult> {
  const interceptor = currentInterceptor() as Partial<ModelCallInterceptor> | undefined;
  if (typeof interceptor?.callModel !== 'function') return recordStream(doStream, params, model);
  const answer = await interceptor.callModel(callOf(params, model, true), async () => {
    const { stream } = await doStream();
    const parts = await readAll(stream);
    return liveOf(readStreamParts(parts), { kind: 'stream', parts: toJsonValue(parts) }, parts.find((p) => p['type'] === 'response-metadata'));
  });
  const payload = answer.payload as { kind?: string; parts?: Loose[] } | undefined;
  const parts = payload?.kind === 'stream' && payload.parts ? payload.parts.map(reviveDates) : toV3StreamParts(answer.event, ++answers, textDeltas);
  return { stream: streamOf(parts) };
}

function callOf(params: V3CallOptions, model: V3Model, stream: boolean): ModelCallRequest {
  return { provider: model.provider, api: 'ai-sdk', model: model.modelId, request: mapV3Request(params), stream };
}

function liveOf(response: ModelCallEvent['response'], payload: Json, meta: Loose | undefined): LiveModelResponse {
  const live: LiveModelResponse = { response, payload };
  if (typeof meta?.['id'] === 'string') live.id = meta['id'];
  if (typeof meta?.['modelId'] === 'string') live.model = meta['modelId'];
  return live;
}

function generateFromEvent(event: ModelCallEvent): V3GenerateResult {
  const n = ++answers;
  return { content: toV3Content(event, n), finishReason: toV3FinishReason(event), usage: toV3Usage(event.response.usage), warnings: [] };
}

/** The request echo and the raw response body are not needed to replay, and may be large. */
function withoutRequest(result: V3GenerateResult): Loose {
  const { request: _request, ...rest } = result;
  if (rest.response && 'body' in rest.response) {
    const { body: _body, ...response } = rest.response;
    return { ...rest, response };
  }
  return rest;
}

function readStreamParts(parts: readonly Loose[]): ModelCallEvent['response'] {
  let text = '';
  const content: Loose[] = [];
  let finish: Loose | undefined;
  for (const part of parts) {
    if (part['type'] === 'text-delta') text += String(part['delta'] ?? '');
    else if (part['type'] === 'tool-call') content.push(part);
    else if (part['type'] === 'finish') finish = part;
  }
  if (text) content.unshift({ type: 'text', text });
  return readV3Content(content, finish?.['finishReason'] as V3FinishReason | undefined, finish?.['usage'] as V3Usage | undefined);
}

async function readAll(stream: ReadableStream<Loose>): Promise<Loose[]> {
  const parts: Loose[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

function streamOf(parts: readonly Loose[]): ReadableStream<Loose> {
  let i = 0;
  return new ReadableStream<Loose>({
    pull(controller) {
      const part = parts[i++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}

/** In a capture, records the call in the run's timeline; elsewhere just calls the model. */
async function recordGenerate(doGenerate: () => PromiseLike<V3GenerateResult>, params: V3CallOptions, model: V3Model): Promise<V3GenerateResult> {
  const scope = currentCaptureScope();
  if (!scope) return doGenerate();
  const settle = scope.begin(captureEvent(params, model));
  try {
    const result = await doGenerate();
    settle((e) => (e.response = readV3Content(result.content, result.finishReason, result.usage)));
    return result;
  } catch (error) {
    settle((e) => (e.response = { finishReason: 'error' }));
    throw error;
  }
}

async function recordStream(doStream: () => PromiseLike<V3StreamResult>, params: V3CallOptions, model: V3Model): Promise<V3StreamResult> {
  const scope = currentCaptureScope();
  if (!scope) return doStream();
  const settle = scope.begin(captureEvent(params, model));
  const result = await doStream();
  const parts: Loose[] = [];
  // Pass the stream through as it arrives; record the call when it ends.
  const stream = result.stream.pipeThrough(
    new TransformStream<Loose, Loose>({
      transform(part, controller) {
        parts.push(part);
        controller.enqueue(part);
      },
      flush() {
        settle((e) => (e.response = readStreamParts(parts)));
      },
    }),
  );
  return { ...result, stream };
}

function captureEvent(params: V3CallOptions, model: V3Model): ModelCallEvent {
  return { type: 'model', provider: model.provider, model: model.modelId, request: mapV3Request(params), response: {}, startedAt: new Date().toISOString() };
}

export type { ModelCallAnswer };
