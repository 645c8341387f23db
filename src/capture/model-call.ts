import type { ModelCallEvent } from '../model/case.js';
import { currentCaptureScope, isoTimestamp } from './run-scope.js';
import { mapChatRequest, mapChatResponse, type MappedRequest, type MappedResponse } from './model-shapes.js';

/** How `recordableModel` turns a call into a timeline event. Both default to the common chat API shapes. */
export interface ModelCallMapping<A extends unknown[], R> {
  /** `openai`, `anthropic`, … */
  provider?: string;
  /** Overrides the model id found in the request or response. */
  model?: string;
  /** Builds the event's request from the call's arguments. @default maps an OpenAI/Anthropic-style body (first argument) */
  request?: (...args: A) => MappedRequest;
  /** Builds the event's response from the result. @default maps OpenAI Chat/Responses and Anthropic Messages results */
  response?: (result: R) => MappedResponse;
}

/**
 * Adds a model call to the timeline of the captured run the caller is in (no-op outside a capture), for
 * clients `recordableModel` cannot wrap. The event lands after the steps recorded so far.
 */
export function recordModelCall(event: Omit<ModelCallEvent, 'type'>): void {
  currentCaptureScope()?.addModelCall({ type: 'model', ...event });
}

/**
 * Wraps a model-calling function so that, inside a captured run, each call is recorded in the timeline
 * (request, response, usage, duration) in the order it started. Outside a capture it only calls `fn`.
 * The result is returned untouched; a mapping that throws costs the event's detail, never the call.
 *
 * @example
 * const complete = recordableModel((body: ChatCompletionCreateParamsNonStreaming) => openai.chat.completions.create(body), { provider: 'openai' });
 */
export function recordableModel<A extends unknown[], R>(
  fn: (...args: A) => R | Promise<R>,
  mapping: ModelCallMapping<A, Awaited<R>> = {},
): (...args: A) => Promise<Awaited<R>> {
  if (typeof fn !== 'function') throw new TypeError('recordableModel(fn, mapping): fn must be the function that calls the model');
  const wrapped = async function (this: unknown, ...args: A): Promise<Awaited<R>> {
    const scope = currentCaptureScope();
    if (!scope) return (await fn.apply(this, args)) as Awaited<R>;
    const request = safely(() => (mapping.request ? mapping.request(...args) : mapChatRequest(args[0])), { messages: [] });
    const { model: requestModel, ...eventRequest } = request;
    const event: ModelCallEvent = { type: 'model', request: eventRequest, response: {}, startedAt: isoTimestamp() };
    if (mapping.provider) event.provider = mapping.provider;
    const model = mapping.model ?? requestModel;
    if (model) event.model = model;
    const settle = scope.begin(event);
    try {
      const result = (await fn.apply(this, args)) as Awaited<R>;
      settle((e) => {
        const { id, model: responseModel, ...response } = safely(() => (mapping.response ?? mapChatResponse)(result), {});
        e.response = response;
        if (id) e.id = id;
        if (!e.model && responseModel) e.model = responseModel;
      });
      return result;
    } catch (error) {
      // The timeline's model event has no error field: the finish reason says it failed.
      settle((e) => (e.response = { finishReason: 'error' }));
      throw error;
    }
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name || 'recordableModel' });
  return wrapped;
}

function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
