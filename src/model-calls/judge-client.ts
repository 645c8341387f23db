import type { ToolInterceptor } from '../replay/scope.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseFetch, type ModelCallInterceptor } from './fetch.js';
import { ModelCallHandler } from './model-call-handler.js';
import { mergePrices } from './prices.js';
import type { LiveInvoker, ModelCallAnswer, ModelCallRequest, PriceTable } from './types.js';

/** The config's `judge`: which model grades `judge` assertions. */
export interface JudgeConfig {
  /** `openai` covers any OpenAI-compatible endpoint (set `baseUrl`); `anthropic` the Messages API. */
  provider: 'openai' | 'anthropic';
  model: string;
  /** @default https://api.openai.com/v1 or https://api.anthropic.com */
  baseUrl?: string;
  /** Environment variable holding the key. @default OPENAI_API_KEY or ANTHROPIC_API_KEY */
  apiKeyEnv?: string;
}

/** What a `judge` assertion needs at run time: the config's judge and the response cache folder. */
export interface JudgeEnvironment extends JudgeConfig {
  /** Absolute folder of the response cache: an unchanged case is graded once. */
  cacheDir?: string;
  /** The config's extra prices (merged over the built-in table here). */
  prices?: PriceTable;
}

export interface JudgeRequest {
  rubric: string;
  /** The agent's output, as text. */
  output: string;
  /** The case input, as text, for context. */
  input?: string;
  /** Overrides the configured model. */
  model?: string;
}

export type JudgeVerdict =
  | { kind: 'graded'; score: number; reason: string; cached: boolean; model: string; costUsd?: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; reason: string };

const SYSTEM = [
  'You grade the output of an AI agent against a rubric. Be strict and literal: judge only what the rubric asks.',
  'Reply with only a JSON object, no prose around it: {"score": <a number from 0 to 1>, "reason": "<one or two sentences>"}.',
].join(' ');

/** Thrown inside the live call when there is no key: nothing is sent, and the assertion is skipped. */
class NoKey extends Error {}

/**
 * Grades an output with the configured judge model, through rehearse's cached model seam: the request
 * (model, rubric, output, input; temperature 0) is the cache key, so grading an unchanged case again
 * costs nothing. Without a key, a cached grade is still used; otherwise the verdict is `skipped`.
 */
export async function gradeWithJudge(env: JudgeEnvironment, request: JudgeRequest): Promise<JudgeVerdict> {
  const keyEnv = env.apiKeyEnv ?? (env.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY');
  const key = process.env[keyEnv];
  const model = request.model ?? env.model;
  const user = `Rubric:\n${request.rubric}\n\n${request.input !== undefined ? `Agent input:\n${request.input}\n\n` : ''}Agent output:\n${request.output}`;
  const { url, headers, body } =
    env.provider === 'anthropic'
      ? {
          url: `${(env.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '')}/v1/messages`,
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...(key && { 'x-api-key': key }) },
          body: { model, max_tokens: 400, temperature: 0, system: SYSTEM, messages: [{ role: 'user', content: user }] },
        }
      : {
          url: `${(env.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`,
          headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
          body: { model, temperature: 0, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: user }] },
        };

  const handler = new ModelCallHandler([], { mode: 'cached', ...(env.cacheDir && { cacheDir: env.cacheDir }), prices: mergePrices(env.prices) });
  let source: ModelCallAnswer['source'] | undefined;
  const interceptor: ToolInterceptor & ModelCallInterceptor = {
    callTool: (_name, _args, invoke) => invoke(),
    async callModel(call: ModelCallRequest, live: LiveInvoker): Promise<ModelCallAnswer> {
      const answer = await handler.handle(call, () => (key ? live() : Promise.reject(new NoKey())), 0);
      if ('miss' in answer) throw new Error(answer.miss); // cannot happen in cached mode
      source = answer.source;
      return answer;
    },
  };
  let text: string;
  try {
    const response = await runWithInterceptor(interceptor, () => rehearseFetch(url, { method: 'POST', headers, body: JSON.stringify(body) }));
    const raw = await response.text();
    if (!response.ok) return { kind: 'failed', reason: `the judge (${env.provider} ${model} at ${url}) answered HTTP ${response.status}: ${raw.slice(0, 300)}` };
    text = replyText(JSON.parse(raw));
  } catch (error) {
    if (error instanceof NoKey) return { kind: 'skipped', reason: `skipped: no API key for the judge (set ${keyEnv})` };
    return { kind: 'failed', reason: `the judge (${env.provider} ${model} at ${url}) could not be reached: ${(error as Error).message}` };
  }
  const verdict = parseVerdict(text);
  if (!verdict) return { kind: 'failed', reason: `the judge's reply is not {"score", "reason"} JSON: ${text.slice(0, 200)}` };
  const summary = handler.summary();
  return { kind: 'graded', ...verdict, cached: source === 'cache', model, ...(summary.costUsd !== undefined && { costUsd: summary.costUsd }) };
}

/** The text of an OpenAI chat completion or an Anthropic message. */
function replyText(body: unknown): string {
  const b = body as { choices?: { message?: { content?: unknown } }[]; content?: { type?: string; text?: unknown }[] };
  const chat = b.choices?.[0]?.message?.content;
  if (typeof chat === 'string') return chat;
  return (b.content ?? []).map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join('');
}

/** Reads `{"score", "reason"}` from the reply, tolerating a code fence or prose around the object. */
export function parseVerdict(text: string): { score: number; reason: string } | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as { score?: unknown; reason?: unknown };
    const score = typeof parsed.score === 'number' ? parsed.score : typeof parsed.score === 'string' ? Number(parsed.score) : NaN;
    if (!Number.isFinite(score)) return undefined;
    return { score: Math.min(1, Math.max(0, score)), reason: typeof parsed.reason === 'string' ? parsed.reason : '' };
  } catch {
    return undefined;
  }
}
