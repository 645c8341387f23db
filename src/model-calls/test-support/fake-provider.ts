import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelCallEvent } from '../../model/case.js';
import { adapterFor } from '../providers/index.js';
import { formatSse } from '../sse.js';

/** A loopback HTTP server that plays a model provider (any path the fetch seam knows) and counts requests. */
export interface FakeProvider {
  baseUrl: string;
  /** Request bodies received, in order. */
  requests: { path: string; body: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

/**
 * Starts the fake provider. `answer` decides each reply from the request body; a number is an HTTP error
 * status. Replies are built by the same adapters that replay recorded calls, in JSON or SSE as asked.
 */
export async function startFakeProvider(answer: (body: Record<string, unknown>) => ModelCallEvent['response'] | number): Promise<FakeProvider> {
  const requests: FakeProvider['requests'] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({ path, body, headers: req.headers });
      const adapter = adapterFor(path);
      const reply = answer(body);
      if (!adapter || typeof reply === 'number') {
        res.writeHead(typeof reply === 'number' ? reply : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'fake provider error', type: 'invalid_request_error' } }));
        return;
      }
      const event: ModelCallEvent = { type: 'model', model: String(body['model'] ?? 'unknown'), request: { messages: [] }, response: reply };
      n++;
      if (body['stream'] === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const e of adapter.sseEvents(event, n)) res.write(formatSse(e));
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${n}` });
        res.end(JSON.stringify(adapter.jsonBody(event, n)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
