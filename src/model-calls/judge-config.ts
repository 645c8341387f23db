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
