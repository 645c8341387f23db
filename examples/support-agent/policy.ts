import type { ChatMessage, JsonObject } from 'rehearse';
import { REFUND_AUTO_LIMIT_CENTS } from './backend.js';
import { call, callsTo, customerMessage, detectIntent, dollars, isAngry, num, refundReason, reply, str } from './conversation.js';
import type { ModelTurn, ScriptedModel } from './conversation.js';
import { cancelOrder, escalateUpsetCustomer, HOW_CAN_I_HELP, orderStatusReply, refundedText } from './flows.js';

/**
 * The current support agent's "model": a deterministic script standing in for an LLM, so the example runs
 * with no network and no API key. It reads the conversation (as a model would) and returns text or tool calls.
 *
 * Fixed since v1: it asks for a missing order number instead of inventing one, normalises `#1043` to
 * `A-1043`, stops after a failed lookup instead of looping, escalates refunds above the limit instead of
 * issuing them, never retries `issue_refund`, reports refund errors honestly, and answers policy questions
 * from the help centre.
 *
 * Still wrong, on purpose (see README.md): it does not check that the order belongs to the signed-in
 * customer, and it treats *every* lookup error as "order not found", so a transient 503 that v1 retried
 * through now ends the conversation.
 */
export const scriptedModel: ScriptedModel = (messages) => {
  const text = customerMessage(messages);
  const orderId = findOrderId(text);
  if (isAngry(text)) return escalateUpsetCustomer(messages, orderId);
  const intent = detectIntent(text);
  if (intent === 'question') return answerFromHelpCentre(messages, text);
  if (intent === 'other') return HOW_CAN_I_HELP;
  if (!orderId) {
    return reply('I can help with that. Which order is it about? The order number looks like A-1234 and is in your confirmation email.');
  }
  const lookup = callsTo(messages, 'lookup_order').at(-1);
  if (!lookup) return call(messages, 'lookup_order', { orderId });
  if (lookup.error || !lookup.result) {
    // REGRESSION (deliberate, for the demo): the fix for v1's lookup loop gives up on *any* error,
    // including a transient 503 that one retry would have got past.
    return reply(`I couldn't find order ${orderId}. Could you double-check the order number? It looks like A-1234 and is in your confirmation email.`);
  }
  if (intent === 'where') return orderStatusReply(lookup.result);
  if (intent === 'cancel') return cancelOrder(messages, lookup.result, '30 days');
  return refund(messages, lookup.result, text);
};

/** The system prompt the current agent runs with. */
export function systemPrompt(customerId: string): string {
  return [
    'You are the support assistant for Brightside Home. Be brief and accurate.',
    `Signed-in customer: ${customerId}.`,
    `Refunds above ${dollars(REFUND_AUTO_LIMIT_CENTS)} need a team lead's approval: escalate them instead of refunding.`,
    'Never retry issue_refund: it is not idempotent. If a tool fails, tell the customer what happened.',
    'Answer policy questions only from search_kb results. If the order number is missing, ask for it.',
  ].join('\n');
}

/**
 * `A-1043`, `a-1043`, `#1043` and `order 1043` all name order `A-1043`.
 * The shop's ids are a letter, a dash and four digits; bare numbers belong to the `A` series.
 */
export function findOrderId(text: string): string | undefined {
  const full = /\b([A-Za-z])-(\d{4})\b/.exec(text);
  if (full) return `${full[1]!.toUpperCase()}-${full[2]}`;
  const bare = /(?:#\s*|\border\s+(?:number\s+|no\.?\s*)?)(\d{4})\b/i.exec(text);
  return bare ? `A-${bare[1]}` : undefined;
}

function refund(messages: readonly ChatMessage[], order: JsonObject, text: string): ModelTurn {
  const orderId = str(order, 'orderId');
  const remaining = num(order, 'totalCents') - num(order, 'refundedCents');
  if (remaining <= 0) return reply(`Order ${orderId} has already been refunded in full.`);
  // STILL A BUG (deliberate, for the demo): nothing compares order.customerId with the signed-in customer,
  // so anyone who knows an order number can have it refunded.
  if (remaining > REFUND_AUTO_LIMIT_CENTS) {
    const ticket = callsTo(messages, 'escalate_to_human').at(-1);
    if (!ticket) {
      const reason = `Refund of ${dollars(remaining)} requested on ${orderId} exceeds the ${dollars(REFUND_AUTO_LIMIT_CENTS)} auto-approval limit; approval needed`;
      return call(messages, 'escalate_to_human', { reason, priority: 'normal' });
    }
    return reply(
      `A refund of ${dollars(remaining)} for order ${orderId} needs a team lead's approval, so I've sent it to them ` +
        `(ticket ${str(ticket.result, 'ticketId')}). You'll hear back within 24 hours.`,
    );
  }
  const attempt = callsTo(messages, 'issue_refund').at(-1);
  if (!attempt) return call(messages, 'issue_refund', { orderId, amountCents: remaining, reason: refundReason(text) });
  if (!attempt.error) return reply(refundedText(orderId, dollars(remaining), str(attempt.result, 'refundId')));
  if (attempt.error.name === 'GatewayTimeoutError') {
    return reply(
      `Our payment provider didn't confirm your refund of ${dollars(remaining)} for order ${orderId} in time. It may already ` +
        `have gone through, so I haven't retried (that could refund you twice). You'll get an email as soon as it's confirmed.`,
    );
  }
  return reply(
    `I'm sorry, I couldn't issue the refund for order ${orderId}: ${attempt.error.message}. ` +
      'Would you like store credit instead, or to give us another payment method?',
  );
}

function answerFromHelpCentre(messages: readonly ChatMessage[], text: string): ModelTurn {
  const search = callsTo(messages, 'search_kb').at(-1);
  if (!search) return call(messages, 'search_kb', { query: keywords(text) });
  const articles = Array.isArray(search.result?.articles) ? search.result.articles : [];
  const top = articles[0];
  if (!top || typeof top !== 'object' || Array.isArray(top)) {
    return reply("I couldn't find that in our help centre. Could you tell me a bit more, or the order it's about?");
  }
  return reply(`${str(top, 'snippet')} (help centre: "${str(top, 'title')}")`);
}

const STOPWORDS = new Set(['have', 'long', 'something', 'what', 'when', 'does', 'with', 'that', 'this', 'your', 'from', 'there', 'about', 'much']);

/** The content words of a question: what a search box wants, not the whole sentence. */
function keywords(text: string): string {
  const words = text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
  return words.filter((w) => !STOPWORDS.has(w)).join(' ');
}
