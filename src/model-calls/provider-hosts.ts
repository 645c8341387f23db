import type { ModelMode } from '../model/case.js';

/** Hosts of the model providers whose official SDKs take a `fetch` option. */
export const PROVIDER_HOSTS: Readonly<Record<string, string>> = Object.freeze({
  'api.openai.com': 'openai',
  'api.anthropic.com': 'anthropic',
});

/**
 * The divergence message for a blocked connection to a model provider. During a live model call made
 * through the seam, the host was simply not allowed (a case set to `live`/`cached` in a `recorded` run);
 * otherwise a client did not go through rehearse.fetch, so say how to route it. Undefined for other hosts.
 */
export function bypassHint(target: string, step: number, duringLiveCall = false): string | undefined {
  const host = target.replace(/:\d*$/, '').toLowerCase();
  const provider = PROVIDER_HOSTS[host];
  if (!provider) return undefined;
  if (duringLiveCall) {
    return `step ${step}: the live model call to ${target} was blocked during replay: run with --model live or cached (which lets ${provider}'s host through) or add "${host}" to "allowHosts" in the config`;
  }
  const client = provider === 'openai' ? 'new OpenAI({ fetch: rehearse.fetch })' : 'new Anthropic({ fetch: rehearse.fetch })';
  return (
    `step ${step}: a model call to ${target} (${provider}) bypassed rehearse and was blocked during replay: ` +
    `pass \`fetch: rehearse.fetch\` to the client (${client}, with \`import * as rehearse from 'rehearse'\`) so replay can answer it, ` +
    `or wrap an AI SDK model with rehearseMiddleware(); a call that is not a chat, responses or messages request ` +
    `(embeddings, moderation) is not a model call rehearse replays: wrap the code that makes it in a recordable tool`
  );
}

/**
 * Hosts the network guard must let through for model calls to go out: the providers' hosts when the run
 * calls models for real (`live` or `cached`), and the judge's endpoint whenever a judge is configured.
 */
export function modelCallHosts(mode: ModelMode, judgeBaseUrl?: string, judgeProvider?: string): string[] {
  const hosts = mode === 'recorded' ? [] : Object.keys(PROVIDER_HOSTS);
  if (judgeBaseUrl) {
    try {
      hosts.push(new URL(judgeBaseUrl).host);
    } catch {
      // An invalid base URL fails with its own message when the judge runs.
    }
  } else if (judgeProvider) {
    hosts.push(judgeProvider === 'anthropic' ? 'api.anthropic.com' : 'api.openai.com');
  }
  return [...new Set(hosts)];
}
