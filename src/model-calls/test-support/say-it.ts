import { refundTimeline } from './recorded.js';
import { sessionWith } from './session.js';

/** The recorded answer of `sayItSession()`. */
export const SAID = 'Order 42 has shipped, so it cannot be refunded yet.';

/** A one-call recording whose answer is `SAID`, for a chat request whose only message is the user's "Say it". */
export function sayItSession(): ReturnType<typeof sessionWith> {
  const timeline = refundTimeline();
  return sessionWith([{ ...timeline[2]!, request: { messages: [{ role: 'user', content: 'Say it' }] } } as (typeof timeline)[number]]);
}

/** The text deltas of an OpenAI chat SSE body, in order. */
export function deltas(sse: string): string[] {
  return sse
    .split('\n\n')
    .filter((block) => block.startsWith('data: {'))
    .map((block) => (JSON.parse(block.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
    .filter(Boolean);
}
