import { resolve } from 'node:path';
import type { ModelCallEvent, ModelMode, TimelineEvent, Usage } from '../model/case.js';
import { CACHE_ENTRY_FORMAT, DEFAULT_CACHE_DIR, ModelCallCache } from './cache-store.js';
import { ModelMatcher } from './model-matcher.js';
import { costOf, DEFAULT_PRICES } from './prices.js';
import { cacheKey } from './request-key.js';
import { bypassHint } from './provider-hosts.js';
import type { LiveInvoker, ModelCallAnswer, ModelCallRequest, ModelCallSettings, ModelCallSummary, PriceTable } from './types.js';

/** A call the mode cannot answer: the replay records it as an `unrecorded-model-call` divergence. */
export interface ModelCallMiss {
  miss: string;
}

/**
 * Answers one attempt's model calls according to its mode: from the recording (`recorded`), from the
 * response cache or else the real model (`cached`), or the real model (`live`). Keeps what the calls cost,
 * what the cache saved, and where recorded answers were served for changed requests (drift).
 */
export class ModelCallHandler {
  readonly mode: ModelMode;
  readonly #recorded: readonly TimelineEvent[];
  #matcher: ModelMatcher | undefined;
  readonly #cache: ModelCallCache | undefined;
  readonly #prices: PriceTable;
  readonly #drift: ModelCallSummary['drift'] = [];
  #costUsd: number | undefined;
  #hits = 0;
  #misses = 0;
  #savedUsd: number | undefined;
  #usage: Usage | undefined;
  #calls = 0;

  constructor(recorded: readonly TimelineEvent[], settings: ModelCallSettings) {
    this.mode = settings.mode;
    this.#recorded = recorded;
    this.#prices = settings.prices ?? DEFAULT_PRICES;
    if (settings.mode === 'cached') this.#cache = new ModelCallCache(settings.cacheDir ?? resolve(DEFAULT_CACHE_DIR));
  }

  /** Answers a call, or says why it cannot (recorded mode only; live failures reject). `step` is its timeline index. */
  async handle(call: ModelCallRequest, invokeLive: LiveInvoker, step: number): Promise<ModelCallAnswer | ModelCallMiss> {
    this.#calls++;
    if (this.mode === 'recorded') return this.#fromRecording(call, step);
    if (this.#cache) return this.#cached(call, invokeLive, this.#cache);
    return this.#live(call, invokeLive);
  }

  /** True once a model call came through (the summary is then worth reporting). */
  get called(): boolean {
    return this.#calls > 0;
  }

  /** The replay session's message for a blocked connection to a model provider (see `bypassHint`). */
  blockedNetworkMessage(target: string, step: number, duringLiveCall: boolean): string | undefined {
    return bypassHint(target, step, duringLiveCall);
  }

  /** Cost, cache and drift of the calls so far. */
  summary(): ModelCallSummary {
    const summary: ModelCallSummary = { drift: this.#drift };
    if (this.#costUsd !== undefined) summary.costUsd = round(this.#costUsd);
    if (this.#cache && this.#hits + this.#misses > 0) {
      summary.cache = { hits: this.#hits, misses: this.#misses };
      if (this.#savedUsd !== undefined) summary.cache.savedUsd = round(this.#savedUsd);
    }
    if (this.#usage) summary.usage = this.#usage;
    return summary;
  }

  #fromRecording(call: ModelCallRequest, step: number): ModelCallAnswer | ModelCallMiss {
    const match = (this.#matcher ??= new ModelMatcher(this.#recorded)).match(call.model, call.request);
    if (match.kind === 'miss') return { miss: `${match.reason}; record it again or run with --model cached/live` };
    const event = this.#event(call, match.event.response, match.event.model ?? call.model);
    if (match.event.id !== undefined) event.id = match.event.id;
    const answer: ModelCallAnswer = { source: 'recorded', event };
    if (match.kind === 'drift') {
      answer.drift = match.message;
      this.#drift.push({ step, message: `step ${step}: ${match.message}` });
    }
    return answer;
  }

  async #cached(call: ModelCallRequest, invokeLive: LiveInvoker, cache: ModelCallCache): Promise<ModelCallAnswer> {
    const key = cacheKey(call);
    const hit = await cache.get(key);
    if (hit) {
      this.#hits++;
      // A run answered wholly from the cache spent nothing: say $0 rather than leave the cost unknown.
      this.#costUsd ??= 0;
      const event = this.#event(call, hit.response, hit.model ?? call.model);
      const saved = costOf(event.model, hit.response.usage, this.#prices);
      if (saved !== undefined) this.#savedUsd = (this.#savedUsd ?? 0) + saved;
      return { source: 'cache', event, payload: hit.payload };
    }
    this.#misses++;
    const answer = await this.#live(call, invokeLive);
    const { event, payload } = answer;
    if (event.response.finishReason !== 'error' && payload !== undefined) {
      await cache.put({
        format: CACHE_ENTRY_FORMAT,
        version: 1,
        key,
        api: call.api,
        provider: call.provider,
        ...(event.model !== undefined && { model: event.model }),
        createdAt: new Date().toISOString(),
        response: event.response,
        payload,
      });
    }
    return answer;
  }

  async #live(call: ModelCallRequest, invokeLive: LiveInvoker): Promise<ModelCallAnswer> {
    const started = performance.now();
    const live = await invokeLive();
    const event = this.#event(call, live.response, live.model ?? call.model);
    if (live.id !== undefined) event.id = live.id;
    event.durationMs = round(performance.now() - started);
    const cost = costOf(event.model, live.response.usage, this.#prices);
    this.#costUsd = (this.#costUsd ?? 0) + (cost ?? 0);
    return { source: 'live', event, payload: live.payload };
  }

  #event(call: ModelCallRequest, response: ModelCallEvent['response'], model: string | undefined): ModelCallEvent {
    const event: ModelCallEvent = { type: 'model', provider: call.provider, request: call.request, response };
    if (model !== undefined) event.model = model;
    if (response.usage) this.#usage = addUsage(this.#usage, response.usage);
    return event;
  }
}

/** Adds token counts field by field (the run's own `addUsage` lives in a layer above this one). */
function addUsage(a: Usage | undefined, b: Usage): Usage {
  const out: Usage = { ...a };
  for (const key of ['inputTokens', 'outputTokens', 'cachedInputTokens', 'totalTokens'] as const) {
    const value = b[key];
    if (value !== undefined) out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
