import type { ChatMessage, JsonObject } from 'rehearse';
import { call, callsTo, customerMessage, reply, signedInCustomer, str } from './conversation.js';
import type { ModelTurn } from './conversation.js';

/*
 * Conversation steps both agent versions take the same way. What differs between the versions (order-id
 * parsing, error handling, refunds, help-centre answers) lives in policy.ts and policy-v1.ts.
 */

/** Upset customer: look them up, open a ticket (urgent for gold tier), tell them who will call. */
export function escalateUpsetCustomer(messages: readonly ChatMessage[], orderId: string | undefined): ModelTurn {
  const customer = callsTo(messages, 'get_customer').at(-1);
  if (!customer) return call(messages, 'get_customer', { customerId: signedInCustomer(messages) });
  const ticket = callsTo(messages, 'escalate_to_human').at(-1);
  if (!ticket) {
    const message = customerMessage(messages);
    const excerpt = message.length > 80 ? `${message.slice(0, 80)}…` : message;
    const priority = str(customer.result, 'tier') === 'gold' ? 'urgent' : 'high';
    return call(messages, 'escalate_to_human', { reason: `Upset customer${orderId ? ` about ${orderId}` : ''}: "${excerpt}"`, priority });
  }
  const firstName = str(customer.result, 'name').split(' ')[0] || 'there';
  if (ticket.error) return reply(`I'm sorry, ${firstName}. I couldn't open a ticket just now; please call us on 0800 555 0100 and quote this chat.`);
  const eta = typeof ticket.result?.etaHours === 'number' ? ticket.result.etaHours : 24;
  return reply(
    `I'm sorry, ${firstName}. I've passed this to a senior agent with ${str(ticket.result, 'priority')} priority ` +
      `(ticket ${str(ticket.result, 'ticketId')}); they will contact you within ${eta === 1 ? 'the hour' : `${eta} hours`}.`,
  );
}

/** Where is my order: answer from the order's status. */
export function orderStatusReply(order: JsonObject): ModelTurn {
  const id = str(order, 'orderId');
  const status = str(order, 'status');
  const tracking = order.tracking !== null && typeof order.tracking === 'object' && !Array.isArray(order.tracking) ? order.tracking : {};
  if (status === 'shipped') {
    return reply(
      `Order ${id} shipped with ${str(tracking, 'carrier')} (tracking ${str(tracking, 'number')}) and should arrive by ${str(tracking, 'eta')}.`,
    );
  }
  if (status === 'delivered') return reply(`Order ${id} was delivered on ${str(order, 'deliveredAt')}.`);
  return reply(`Order ${id} is being prepared and hasn't shipped yet; orders ship within 2 business days.`);
}

/** Cancel: only unshipped orders can be cancelled, by the fulfilment team. */
export function cancelOrder(messages: readonly ChatMessage[], order: JsonObject, returnWindow: string): ModelTurn {
  const id = str(order, 'orderId');
  if (str(order, 'status') !== 'processing') {
    return reply(`Order ${id} has already shipped, so it can't be cancelled, but you can return it within ${returnWindow} of delivery.`);
  }
  const ticket = callsTo(messages, 'escalate_to_human').at(-1);
  if (!ticket) return call(messages, 'escalate_to_human', { reason: `Customer asks to cancel ${id} before it ships`, priority: 'normal' });
  return reply(`I've asked our fulfilment team to cancel order ${id} before it ships (ticket ${str(ticket.result, 'ticketId')}).`);
}

/** The success message after a refund. */
export function refundedText(orderId: string, amount: string, refundId: string | undefined): string {
  const ref = refundId ? ` (refund ${refundId})` : '';
  return `I've refunded ${amount} for order ${orderId} to your original payment method${ref}. It takes 5-10 business days to appear.`;
}

/** Customer messages that are not about an order or a policy question. */
export const HOW_CAN_I_HELP = reply('I can help with order status, refunds and cancellations. What can I do for you?');
