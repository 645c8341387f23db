import type { ModelCallEvent, ModelMode, Usage } from '../model/case.js';
import type { Json } from '../model/json.js';

/**
 * One model call as a seam (rehearse.fetch, the AI SDK middleware, the judge) hands it to the replay:
 * the provider-neutral request that matching and the cache key are built from.
 */
export interface ModelCallRequest {
  /** `openai`, `anthropic`, or the AI SDK provider id. */
  provider: string;
  /** Which wire format the seam speaks (`openai.chat`, `openai.responses`, `anthropic.messages`, `ai-sdk`). */
  api: string;
  model?: string;
  /** Messages, tools and answer-changing parameters, mapped like a captured model event. */
  request: ModelCallEvent['request'];
  /** The agent asked for a streamed answer. */
  stream: boolean;
  /**
   * What the cache key is built from when the seam has more detail than the mapped request (the raw request
   * body, minus parameters that do not change the answer). @default the mapped request
   */
  identity?: unknown;
}

/** What a real model call produced, read by the seam that made it. */
export interface LiveModelResponse {
  response: ModelCallEvent['response'];
  /** Model id the provider reported, when it did. */
  model?: string;
  /** Provider-side id of the call. */
  id?: string;
  /** What the seam needs to answer the same request again from the cache, byte for byte. */
  payload: Json;
}

/** Runs the real model call (only in `live` and `cached` mode, and only on a cache miss). */
export type LiveInvoker = () => Promise<LiveModelResponse>;

/** Where an answer came from. */
export type AnswerSource = 'recorded' | 'cache' | 'live';

/** The answer to one model call: the timeline event it adds, and the seam payload when there is one. */
export interface ModelCallAnswer {
  source: AnswerSource;
  event: ModelCallEvent;
  /** Set for `cache` and `live` answers: the seam replays it verbatim. Recorded answers are rebuilt from `event`. */
  payload?: Json;
  /** Set when a recorded answer was served for a request that differs from the recorded one. */
  drift?: string;
}

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Input tokens read from the provider's prompt cache. @default input */
  cachedInput?: number;
}

/** Model id (or id prefix) → price. */
export type PriceTable = Record<string, ModelPrice>;

/** How model calls are handled in one attempt. */
export interface ModelCallSettings {
  mode: ModelMode;
  /** Absolute folder of the response cache (`cached` mode and the judge). */
  cacheDir?: string;
  /** The price table: the built-in one with the config's `prices` merged over it (see `mergePrices`). @default DEFAULT_PRICES */
  prices?: PriceTable;
}

/** What the model calls of one attempt cost and saved. */
export interface ModelCallSummary {
  /** Money spent on calls that really went to a provider (unknown prices count as 0). */
  costUsd?: number;
  /** Cache hits and misses (`cached` mode only). */
  cache?: { hits: number; misses: number; savedUsd?: number };
  /** Recorded answers served for changed requests. */
  drift: { step: number; message: string }[];
  usage?: Usage;
}
