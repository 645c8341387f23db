/** One server-sent event: its `event:` name (when given) and its `data:` text. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Parses a complete `text/event-stream` body into its events (comments and `id:`/`retry:` lines are dropped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let name: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      else if (line.startsWith('event:')) name = line.slice(6).trim();
    }
    if (data.length === 0) continue;
    const event: SseEvent = { data: data.join('\n') };
    if (name !== undefined) event.event = name;
    events.push(event);
  }
  return events;
}

/** Writes one event as the providers send it. */
export function formatSse(event: SseEvent): string {
  return `${event.event !== undefined ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`;
}

const encoder = new TextEncoder();

/**
 * A stream that delivers the events one chunk each, the way a provider streams them, so an SDK's stream
 * parser sees real chunk boundaries (and the agent's `for await` sees one delta at a time).
 */
export function sseStream(events: readonly SseEvent[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const event = events[i++];
      if (event === undefined) controller.close();
      else controller.enqueue(encoder.encode(formatSse(event)));
    },
  });
}
