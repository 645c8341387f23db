import type { ProviderAdapter } from './adapter.js';
import { anthropicMessages } from './anthropic-messages.js';
import { openaiChat } from './openai-chat.js';
import { openaiResponses } from './openai-responses.js';

export type { ProviderAdapter, ReadResponse } from './adapter.js';
export { anthropicMessages, openaiChat, openaiResponses };

/**
 * The wire format of a model API request, by its path: the same paths are served by the providers and
 * by OpenAI-compatible gateways, so the host does not matter. Undefined for anything else (the request
 * then goes out unchanged, and the network guard decides).
 */
export function adapterFor(pathname: string): ProviderAdapter | undefined {
  const path = pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return openaiChat;
  if (path.endsWith('/responses')) return openaiResponses;
  if (path.endsWith('/messages')) return anthropicMessages;
  return undefined;
}
