/*
 * Checks of the config's model-call options (`prices`, `judge`). They live with the config, below
 * src/model-calls in the layering, and mirror its PriceTable and JudgeConfig shapes.
 */

/** Checks a user price table; returns one message per problem, with its JSON pointer under `/prices`. */
export function priceTableIssues(raw: unknown): { pointer: string; message: string }[] {
  if (raw === undefined) return [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [{ pointer: '/prices', message: 'must map model ids to { "input": USD, "output": USD, "cachedInput"?: USD } per million tokens' }];
  const issues: { pointer: string; message: string }[] = [];
  for (const [model, price] of Object.entries(raw)) {
    const at = `/prices/${model.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const p = price as Record<string, unknown> | null;
    if (p === null || typeof p !== 'object') {
      issues.push({ pointer: at, message: 'must be { "input": USD, "output": USD } per million tokens' });
      continue;
    }
    for (const key of ['input', 'output', 'cachedInput']) {
      const v = p[key];
      if (v === undefined && key === 'cachedInput') continue;
      if (typeof v !== 'number' || !(v >= 0)) issues.push({ pointer: `${at}/${key}`, message: 'must be a price in US dollars per million tokens (a number ≥ 0)' });
    }
  }
  return issues;
}

/** Checks the config's `judge`; one message per problem, with its JSON pointer. */
export function judgeConfigIssues(raw: unknown): { pointer: string; message: string }[] {
  if (raw === undefined) return [];
  const shape = '{ "provider": "openai" | "anthropic", "model": "gpt-4o-mini", "baseUrl"?: URL, "apiKeyEnv"?: "OPENAI_API_KEY" }';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [{ pointer: '/judge', message: `must be ${shape}` }];
  const judge = raw as Record<string, unknown>;
  const issues: { pointer: string; message: string }[] = [];
  if (judge['provider'] !== 'openai' && judge['provider'] !== 'anthropic') {
    issues.push({ pointer: '/judge/provider', message: 'must be "openai" (any OpenAI-compatible endpoint, with baseUrl) or "anthropic"' });
  }
  if (typeof judge['model'] !== 'string' || judge['model'] === '') issues.push({ pointer: '/judge/model', message: 'must be the model id that grades, e.g. "gpt-4o-mini"' });
  if (judge['baseUrl'] !== undefined) {
    let ok = typeof judge['baseUrl'] === 'string';
    try {
      if (ok) new URL(judge['baseUrl'] as string);
    } catch {
      ok = false;
    }
    if (!ok) issues.push({ pointer: '/judge/baseUrl', message: 'must be an absolute URL such as "https://api.openai.com/v1"' });
  }
  if (judge['apiKeyEnv'] !== undefined && (typeof judge['apiKeyEnv'] !== 'string' || judge['apiKeyEnv'] === '')) {
    issues.push({ pointer: '/judge/apiKeyEnv', message: 'must name the environment variable that holds the key' });
  }
  for (const key of Object.keys(judge)) {
    if (!['provider', 'model', 'baseUrl', 'apiKeyEnv'].includes(key)) issues.push({ pointer: `/judge/${key}`, message: `unknown option "${key}"` });
  }
  return issues;
}
