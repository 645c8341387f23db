import type { ModelCallEvent } from '../model/case.js';
import { canonicalJson } from '../case/canonical-json.js';

/*
 * Request parameters that never change what the model answers: delivery (`stream`), bookkeeping
 * (`user`, `metadata`, `store`, ids for the provider's own caches) and transport. They are left out of
 * matching and of the cache key, so a re-run that only changes them still hits.
 */
const IGNORED_PARAMS = new Set([
  'stream',
  'stream_options',
  'user',
  'metadata',
  'store',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
  'headers',
  'abortSignal',
  'includeRawChunks',
]);

/** The parts of a model call that decide its answer, in a form two calls can be compared by. */
export interface ComparableRequest {
  model?: string | undefined;
  messages: ModelCallEvent['request']['messages'];
  tools?: ModelCallEvent['request']['tools'];
  params?: Record<string, unknown>;
}

/** Drops parameters that do not change the answer; everything else is kept as recorded. */
export function comparableRequest(model: string | undefined, request: ModelCallEvent['request']): ComparableRequest {
  const out: ComparableRequest = { model, messages: request.messages };
  if (request.tools && request.tools.length > 0) out.tools = request.tools;
  if (request.params) {
    let params: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(request.params)) {
      if (IGNORED_PARAMS.has(key) || value === undefined || value === null) continue;
      (params ??= {})[key] = value;
    }
    if (params) out.params = params;
  }
  return out;
}

/** Canonical text of a request (key order ignored at every depth): equal text means the same call. */
export function requestIdentity(model: string | undefined, request: ModelCallEvent['request']): string {
  return canonicalJson(comparableRequest(model, request));
}

/**
 * The cache key of a call: a SHA-256 of the seam's wire format, the model and the request identity (the
 * seam's raw request without ignored parameters, or else the mapped request). Headers, ids and
 * timestamps are never part of it.
 */
export function cacheKey(call: { api: string; model?: string | undefined; request: ModelCallEvent['request']; identity?: unknown }): string {
  const identity = call.identity !== undefined ? canonicalJson({ model: call.model, body: withoutIgnored(call.identity) }) : requestIdentity(call.model, call.request);
  return sha256().update(call.api).update('\n').update(identity).digest('hex');
}

/** A raw request body without the parameters that do not change the answer (top level only). */
export function withoutIgnored(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!IGNORED_PARAMS.has(key)) out[key] = value;
  return out;
}

/**
 * `node:crypto`, loaded on first use: only cached model calls need a hash, and importing it costs ~7 ms of the
 * case worker's start-up on every run (Node's `getBuiltinModule` loads it synchronously when asked).
 */
function sha256(): import('node:crypto').Hash {
  const crypto = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256');
}
