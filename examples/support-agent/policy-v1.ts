import type { ChatMessage, JsonObject } from 'rehearse';
import { REFUND_AUTO_LIMIT_CENTS } from './backend.js';
import { call, callsTo, customerMessage, detectIntent, dollars, isAngry, num, refundReason, reply, str } from './conversation.js';
import type { ModelTurn, ScriptedModel } from './conversation.js';
import { cancelOrder, escalateUpsetCustomer, HOW_CAN_I_HELP, orderStatusReply, refundedText } from './flows.js';

/**
 * The support agent's "model" as it was in v1, when the cases in suites/support/ were captured. It mimics
 * how an LLM with v1's prompt behaved, bugs included (each is marked `V1 BUG` and named in README.md):
 * it copies the example order id from its prompt when the customer gives none, passes `#1043` through as
 * `1043`, retries a failed lookup forever, refunds any amount (escalating big ones only afterwards), retries
 * a timed-out refund, says a refund went through when it threw, and quotes a stale 90-day return window.
 */
export const scriptedModelV1: ScriptedModel = (messages) => {
  const text = customerMessage(messages);
  const orderId = findOrderIdV1(text);
  if (isAngry(text)) return escalateUpsetCustomer(messages, orderId);
  const intent = detectIntent(text);
  if (intent === 'question') return answerQuestionV1(messages, text);
  if (intent === 'other') return HOW_CAN_I_HELP;
  // V1 BUG (hallucinated order id): with no order number in the message, the model used the prompt's example.
  const id = orderId ?? 'A-1001';
  const lookup = callsTo(messages, 'lookup_order').at(-1);
  // V1 BUG (lookup loop): every failed lookup is retried with the same id, until the step limit.
  // (This is also why v1 got past a transient 503, which the current version no longer does.)
  if (!lookup || lookup.error || !lookup.result) return call(messages, 'lookup_order', { orderId: id });
  if (intent === 'where') return orderStatusReply(lookup.result);
  if (intent === 'cancel') return cancelOrder(messages, lookup.result, '90 days');
  return refundV1(messages, lookup.result, text);
};

/** The system prompt v1 ran with (note the example id and the stale return window). */
export function systemPromptV1(customerId: string): string {
  return [
    'You are the support assistant for Brightside Home. Be friendly.',
    `Signed-in customer: ${customerId}.`,
    'Order ids look like A-1001. Returns are accepted within 90 days.',
    'Resolve refunds yourself; escalate large ones for review.',
  ].join('\n');
}

/** V1 BUG (no normalisation): only `A-1043` is recognised as is; `#1043` becomes `1043`, which no service knows. */
export function findOrderIdV1(text: string): string | undefined {
  const full = /\b[A-Z]-\d{4}\b/.exec(text);
  if (full) return full[0];
  const bare = /#\s*(\d{4})\b/.exec(text);
  return bare?.[1];
}

function refundV1(messages: readonly ChatMessage[], order: JsonObject, text: string): ModelTurn {
  const orderId = str(order, 'orderId');
  const remaining = num(order, 'totalCents') - num(order, 'refundedCents');
  const attempts = callsTo(messages, 'issue_refund');
  const last = attempts.at(-1);
  // V1 BUG (over the limit): refunds first, whatever the amount.
  if (!last) return call(messages, 'issue_refund', { orderId, amountCents: remaining, reason: refundReason(text) });
  // V1 BUG (double refund): a timeout is retried, but the gateway had already moved the money.
  if (last.error?.name === 'GatewayTimeoutError' && attempts.length < 3) return call(messages, 'issue_refund', last.args);
  if (remaining > REFUND_AUTO_LIMIT_CENTS && callsTo(messages, 'escalate_to_human').length === 0) {
    const reason = `Refund of ${dollars(remaining)} issued on ${orderId} exceeds the ${dollars(REFUND_AUTO_LIMIT_CENTS)} auto-approval limit; please review`;
    return call(messages, 'escalate_to_human', { reason, priority: 'normal' });
  }
  // V1 BUG (claims success): the reply is the same whether the last refund call returned or threw.
  return reply(refundedText(orderId, dollars(remaining), last.result ? str(last.result, 'refundId') : undefined));
}

function answerQuestionV1(messages: readonly ChatMessage[], text: string): ModelTurn {
  const search = callsTo(messages, 'search_kb').at(-1);
  if (!search) return call(messages, 'search_kb', { query: text });
  // V1 BUG (stale policy): the prompt's return window won over the help-centre article it had just fetched.
  if (/return/i.test(text)) return reply('You can return any item within 90 days of delivery for a full refund.');
  const articles = Array.isArray(search.result?.articles) ? search.result.articles : [];
  const top = articles[0];
  if (!top || typeof top !== 'object' || Array.isArray(top)) return reply("I'm not sure about that one, sorry!");
  return reply(str(top, 'snippet'));
}
