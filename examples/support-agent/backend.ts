/**
 * An in-memory stand-in for the shop's order, customer, refund, ticket and help-centre services.
 * It reproduces the failures the real services have in production (a missing order, an order service that
 * answers 503 once, a payment gateway that times out *after* moving the money, a declined refund), so the
 * example agent meets them without a network.
 */

/** Cents above which a refund needs a team lead's approval. */
export const REFUND_AUTO_LIMIT_CENTS = 10_000;

export type OrderStatus = 'processing' | 'shipped' | 'delivered';

export interface Order {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  totalCents: number;
  refundedCents: number;
  items: { sku: string; name: string; qty: number; priceCents: number }[];
  placedAt: string;
  deliveredAt?: string;
  tracking?: { carrier: string; number: string; eta: string };
}

export interface Customer {
  customerId: string;
  name: string;
  email: string;
  tier: 'standard' | 'gold';
  openTickets: number;
}

export interface Refund {
  refundId: string;
  orderId: string;
  amountCents: number;
  reason: string;
}

export interface Ticket {
  ticketId: string;
  reason: string;
  priority: 'normal' | 'high' | 'urgent';
  queue: 'tier2' | 'billing';
}

export interface KbArticle {
  id: string;
  title: string;
  body: string;
}

/** Failures the services produce for particular orders, as they did when the cases were captured. */
export interface FaultPlan {
  /** Orders whose first lookup fails with a 503 (the order service was restarting). */
  lookupUnavailableOnce: string[];
  /** Orders whose first refund times out at the gateway *after* the money moved. */
  refundTimesOutOnce: string[];
  /** Orders whose card issuer declines refunds (closed card). */
  refundDeclined: string[];
}

/** Thrown by `lookup_order` for an id the shop does not know. */
export class OrderNotFoundError extends Error {
  override name = 'OrderNotFoundError';
  readonly code = 'ORDER_NOT_FOUND';
}

/** Thrown by `lookup_order` when the order service is briefly down; a retry usually succeeds. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  readonly code = 'UPSTREAM_503';
}

/** Thrown by `issue_refund` when the gateway does not answer in time; the refund may still have gone through. */
export class GatewayTimeoutError extends Error {
  override name = 'GatewayTimeoutError';
  readonly code = 'GATEWAY_TIMEOUT';
}

/** Thrown by `issue_refund` when the card issuer refuses the refund. */
export class PaymentDeclinedError extends Error {
  override name = 'PaymentDeclinedError';
  readonly code = 'CARD_CLOSED';
}

const ORDERS: Order[] = [
  order('A-1001', 'C-400', 'delivered', [['KTL-02', 'Gooseneck kettle', 1, 8900]], '2025-05-02', { deliveredAt: '2025-05-06' }),
  order('A-1033', 'C-300', 'delivered', [['NPK-12', 'Linen napkins (12)', 1, 1800]], '2025-05-20', { deliveredAt: '2025-05-24' }),
  order('A-1042', 'C-100', 'delivered', [['MUG-01', 'Stoneware mug', 2, 1800], ['CST-04', 'Cork coasters (4)', 1, 1399]], '2025-05-28', { deliveredAt: '2025-06-02' }),
  order('A-1043', 'C-200', 'shipped', [['PAN-28', 'Cast-iron pan 28 cm', 1, 5400]], '2025-06-09', {
    tracking: { carrier: 'UPS', number: '1Z999AA10123456784', eta: '2025-06-14' },
  }),
  order('A-1050', 'C-100', 'delivered', [['ESP-90', 'Espresso machine', 1, 32900]], '2025-06-01', { deliveredAt: '2025-06-05' }),
  order('A-1061', 'C-200', 'delivered', [['TWL-06', 'Bath towel set', 1, 6450]], '2025-06-03', { deliveredAt: '2025-06-07' }),
  order('A-1077', 'C-300', 'processing', [['LMP-11', 'Ceramic table lamp', 1, 7200]], '2025-06-11'),
  order('A-1088', 'C-300', 'shipped', [['RUG-23', 'Wool rug 120x180', 1, 15900]], '2025-06-08', {
    tracking: { carrier: 'DHL', number: 'JD014600006281234567', eta: '2025-06-13' },
  }),
];

const CUSTOMERS: Customer[] = [
  { customerId: 'C-100', name: 'Dana Whitfield', email: 'dana.w@example.com', tier: 'gold', openTickets: 2 },
  { customerId: 'C-200', name: 'Marcus Lee', email: 'marcus.lee@example.com', tier: 'standard', openTickets: 0 },
  { customerId: 'C-300', name: 'Priya Nair', email: 'priya.nair@example.com', tier: 'standard', openTickets: 1 },
  { customerId: 'C-400', name: 'Tom Okafor', email: 'tom.okafor@example.com', tier: 'standard', openTickets: 0 },
];

const ARTICLES: KbArticle[] = [
  { id: 'kb-returns', title: 'Returns', body: 'You can return unused items within 30 days of delivery. Start a return at brightside.example/returns.' },
  { id: 'kb-refund-timing', title: 'When will I get my refund?', body: 'Refunds reach your original payment method within 5-10 business days.' },
  { id: 'kb-cancel', title: 'Cancelling an order', body: 'Orders can be cancelled until they ship. Once shipped, return the order instead.' },
  { id: 'kb-damaged', title: 'Damaged or missing items', body: 'Send us a photo of the damage within 7 days of delivery and we will refund or replace the item.' },
  { id: 'kb-shipping', title: 'Shipping times', body: 'Orders ship within 2 business days and arrive 3-5 business days later.' },
];

/** The default faults: the ones the captured cases ran into. */
export const CAPTURED_FAULTS: FaultPlan = {
  lookupUnavailableOnce: ['A-1088'],
  refundTimesOutOnce: ['A-1061'],
  refundDeclined: ['A-1033'],
};

/** The services' state. Each instance starts from the same seed data, so tests do not leak into each other. */
export class FakeBackend {
  readonly orders = new Map<string, Order>(ORDERS.map((o) => [o.orderId, structuredClone(o)]));
  readonly customers = new Map<string, Customer>(CUSTOMERS.map((c) => [c.customerId, structuredClone(c)]));
  readonly refunds: Refund[] = [];
  readonly tickets: Ticket[] = [];
  readonly articles: readonly KbArticle[] = ARTICLES;
  private readonly faults: { lookup: Set<string>; timeout: Set<string>; declined: Set<string> };

  constructor(faults: FaultPlan = CAPTURED_FAULTS) {
    // Sets are consumed as "once" faults fire, so each backend gets its own copies.
    this.faults = {
      lookup: new Set(faults.lookupUnavailableOnce),
      timeout: new Set(faults.refundTimesOutOnce),
      declined: new Set(faults.refundDeclined),
    };
  }

  findOrder(orderId: string): Order {
    if (this.faults.lookup.delete(orderId)) {
      throw new ServiceUnavailableError('order service unavailable (HTTP 503); retry in a few seconds');
    }
    const found = this.orders.get(orderId);
    if (!found) throw new OrderNotFoundError(`order ${orderId} not found`);
    return found;
  }

  findCustomer(customerId: string): Customer {
    const found = this.customers.get(customerId);
    if (!found) throw new Error(`customer ${customerId} not found`);
    return found;
  }

  refund(orderId: string, amountCents: number, reason: string): Refund {
    const target = this.findOrder(orderId);
    if (this.faults.declined.has(orderId)) {
      throw new PaymentDeclinedError('card issuer declined the refund: card account closed');
    }
    if (!Number.isInteger(amountCents) || amountCents <= 0) throw new RangeError(`amountCents must be a positive integer, got ${amountCents}`);
    // No balance check on purpose: the real gateway does not have one either, which is how double refunds happen.
    const refund: Refund = { refundId: `rf_${1001 + this.refunds.length}`, orderId, amountCents, reason };
    this.refunds.push(refund);
    target.refundedCents += amountCents;
    // The gateway moves the money, then the confirmation is lost: the caller sees a timeout.
    if (this.faults.timeout.delete(orderId)) {
      throw new GatewayTimeoutError('payment gateway did not respond within 10000 ms');
    }
    return refund;
  }

  openTicket(reason: string, priority: Ticket['priority']): Ticket {
    const queue = /refund|charge|payment/i.test(reason) ? 'billing' : 'tier2';
    const ticket: Ticket = { ticketId: `T-${5001 + this.tickets.length}`, reason, priority, queue };
    this.tickets.push(ticket);
    return ticket;
  }

  searchArticles(query: string): KbArticle[] {
    const words = query.toLowerCase().match(/[a-z]{3,}/g) ?? [];
    const scored = this.articles.map((a) => {
      const text = `${a.title} ${a.body}`.toLowerCase();
      return { a, score: words.filter((w) => text.includes(w.replace(/s$/, ''))).length };
    });
    return scored.filter((s) => s.score > 0).sort((x, y) => y.score - x.score).slice(0, 3).map((s) => s.a);
  }
}

function order(
  orderId: string,
  customerId: string,
  status: OrderStatus,
  lines: [sku: string, name: string, qty: number, priceCents: number][],
  placedAt: string,
  extra: Pick<Order, 'deliveredAt' | 'tracking'> = {},
): Order {
  const items = lines.map(([sku, name, qty, priceCents]) => ({ sku, name, qty, priceCents }));
  const totalCents = items.reduce((sum, i) => sum + i.qty * i.priceCents, 0);
  return { orderId, customerId, status, totalCents, refundedCents: 0, items, placedAt, ...extra };
}
