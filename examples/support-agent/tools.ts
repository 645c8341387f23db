import { recordableTools } from 'rehearse';
import type { Json, ToolDefinition } from 'rehearse';
import { FakeBackend } from './backend.js';
import type { Ticket } from './backend.js';

/**
 * The agent's tools, by the names the model calls them. Each one goes through `recordableTools`, so under
 * `rehearse run` the answers come from the case's recording instead of the services.
 */
export type SupportTools = ReturnType<typeof createSupportTools>;

/**
 * Builds the tools over one backend. Results are plain JSON, as a real service's response body would be.
 *
 * @example
 * const tools = createSupportTools(new FakeBackend());
 * await tools.lookup_order({ orderId: 'A-1042' });
 */
export function createSupportTools(backend: FakeBackend) {
  return recordableTools({
    lookup_order: async ({ orderId }: { orderId: string }): Promise<Json> => {
      const o = backend.findOrder(orderId);
      return toJson(o);
    },
    get_customer: async ({ customerId }: { customerId: string }): Promise<Json> => {
      const c = backend.findCustomer(customerId);
      return toJson(c);
    },
    issue_refund: async ({ orderId, amountCents, reason }: { orderId: string; amountCents: number; reason: string }): Promise<Json> => {
      const r = backend.refund(orderId, amountCents, reason);
      return { ...toJson(r), status: 'issued' };
    },
    escalate_to_human: async ({ reason, priority }: { reason: string; priority: Ticket['priority'] }): Promise<Json> => {
      const t = backend.openTicket(reason, priority);
      return { ticketId: t.ticketId, queue: t.queue, priority: t.priority, etaHours: priority === 'urgent' ? 1 : priority === 'high' ? 4 : 24 };
    },
    search_kb: async ({ query }: { query: string }): Promise<Json> => {
      const articles = backend.searchArticles(query).map((a) => ({ id: a.id, title: a.title, snippet: a.body }));
      return { articles };
    },
  });
}

/** What the model is told about the tools: names, purpose and argument schemas. */
export const supportToolDefinitions: ToolDefinition[] = [
  {
    name: 'lookup_order',
    description: 'Fetch an order by id: status, items, totals, tracking.',
    parameters: objectSchema({ orderId: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } }),
  },
  {
    name: 'get_customer',
    description: 'Fetch the signed-in customer: name, tier, open tickets.',
    parameters: objectSchema({ customerId: { type: 'string' } }),
  },
  {
    name: 'issue_refund',
    description: `Refund an order to the original payment method. Not idempotent.`,
    parameters: objectSchema({
      orderId: { type: 'string' },
      amountCents: { type: 'integer', minimum: 1 },
      reason: { type: 'string', enum: ['damaged', 'not_received', 'customer_request'] },
    }),
  },
  {
    name: 'escalate_to_human',
    description: 'Open a ticket for a human agent.',
    parameters: objectSchema({ reason: { type: 'string' }, priority: { type: 'string', enum: ['normal', 'high', 'urgent'] } }),
  },
  {
    name: 'search_kb',
    description: 'Search the help-centre articles.',
    parameters: objectSchema({ query: { type: 'string' } }),
  },
];

function objectSchema(properties: Record<string, Json>): Json {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** Copies a service record into a JSON value, as a response body would be (no shared references). */
function toJson(value: object): { [key: string]: Json } {
  return JSON.parse(JSON.stringify(value)) as { [key: string]: Json };
}
