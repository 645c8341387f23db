import type { Usage } from '../model/case.js';
import type { ModelPrice, PriceTable } from './types.js';

/**
 * List prices in US dollars per million tokens, as published by the providers (late 2025). Prices change:
 * override or extend them with the config's `prices` (same shape). A model id matches its exact entry,
 * else the longest entry it starts with, so `gpt-4o-2024-08-06` is priced as `gpt-4o` and `gpt-4o-mini`
 * as `gpt-4o-mini`.
 */
export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'claude-opus-4-5': { input: 5, output: 25, cachedInput: 0.5 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'claude-3-7-sonnet': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
});

/** The built-in table with the user's entries laid over it. */
export function mergePrices(extra: PriceTable | undefined): PriceTable {
  return extra ? { ...DEFAULT_PRICES, ...extra } : DEFAULT_PRICES;
}

/** The price of a model id: its exact entry, else the longest entry it starts with; undefined when unknown. */
export function priceOf(model: string | undefined, prices: PriceTable): ModelPrice | undefined {
  if (!model) return undefined;
  // Provider-qualified ids (`openai/gpt-4o`, `anthropic:claude-sonnet-4`) are priced by their last part.
  const id = model.slice(Math.max(model.lastIndexOf('/'), model.lastIndexOf(':')) + 1).toLowerCase();
  const exact = Object.hasOwn(prices, id) ? prices[id] : undefined;
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(prices)) {
    if (id.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : prices[best];
}

/**
 * What a call with this usage costs. `cachedInputTokens` are part of `inputTokens` (as OpenAI and the AI
 * SDK report them) and are charged at the cached rate. Undefined when the price or the usage is unknown.
 */
export function costOf(model: string | undefined, usage: Usage | undefined, prices: PriceTable): number | undefined {
  const price = priceOf(model, prices);
  if (!price || !usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) return undefined;
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const usd = ((input - cached) * price.input + cached * (price.cachedInput ?? price.input) + (usage.outputTokens ?? 0) * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
