import type { ChatMessage, Json, JsonObject, RecordedToolRequest, ToolDefinition } from 'rehearse';

/**
 * What the scripted "model" reads and answers, shaped like a chat-completions call: the conversation so far
 * and the tool definitions in; text and/or tool calls out. Both policy variants share these helpers.
 */
export interface ModelTurn {
  text?: string;
  toolCalls?: RecordedToolRequest[];
}

/** A stand-in for a model: deterministic, synchronous, no network. */
export type ScriptedModel = (messages: readonly ChatMessage[], tools: readonly ToolDefinition[]) => ModelTurn;

/** One tool call the model made earlier in the conversation and what came back. */
export interface ToolExchange {
  name: string;
  args: JsonObject;
  result?: JsonObject;
  error?: { name: string; message: string };
}

/** The customer's latest message. */
export function customerMessage(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user') return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  }
  return '';
}

/** The signed-in customer, as the system prompt names it (`Signed-in customer: C-100`). */
export function signedInCustomer(messages: readonly ChatMessage[]): string {
  const system = messages.find((m) => m.role === 'system');
  const match = typeof system?.content === 'string' ? /Signed-in customer: ([^\s.]+)/.exec(system.content) : null;
  return match?.[1] ?? 'unknown';
}

/** Every tool call so far, paired with its answer, in order. */
export function toolExchanges(messages: readonly ChatMessage[]): ToolExchange[] {
  const answers = new Map<string, Json>();
  for (const m of messages) if (m.role === 'tool' && m.toolCallId) answers.set(m.toolCallId, m.content);
  const out: ToolExchange[] = [];
  for (const m of messages) {
    for (const call of m.role === 'assistant' ? (m.toolCalls ?? []) : []) {
      const answer = call.id === undefined ? undefined : answers.get(call.id);
      const exchange: ToolExchange = { name: call.name, args: asObject(call.args) };
      const body = asObject(answer ?? null);
      const error = asObject(body.error ?? null);
      if (typeof error.message === 'string') exchange.error = { name: String(error.name ?? 'Error'), message: error.message };
      else exchange.result = body;
      out.push(exchange);
    }
  }
  return out;
}

/** The exchanges with one tool. */
export function callsTo(messages: readonly ChatMessage[], tool: string): ToolExchange[] {
  return toolExchanges(messages).filter((e) => e.name === tool);
}

/** A tool call the model requests; ids are numbered by position, as providers do within a response. */
export function call(messages: readonly ChatMessage[], name: string, args: JsonObject): ModelTurn {
  const n = messages.filter((m) => m.role === 'assistant').length + 1;
  return { toolCalls: [{ id: `call_${n}`, name, args }] };
}

/** A final answer to the customer. */
export function reply(text: string): ModelTurn {
  return { text };
}

export type Intent = 'refund' | 'cancel' | 'where' | 'question' | 'other';

/** What the customer wants, from keywords. Refund wins over "where" because "arrived broken" mentions arrival. */
export function detectIntent(text: string): Intent {
  if (/\bcancel/i.test(text)) return 'cancel';
  if (/refund|money back|reimburse|charged me/i.test(text)) return 'refund';
  if (/where|track|arriv|status|shipped|hasn'?t come/i.test(text)) return 'where';
  if (/\?|how (long|do|can)|policy/i.test(text)) return 'question';
  return 'other';
}

/** An upset customer: threats, shouting, repeated contacts. Such conversations go to a human first. */
export function isAngry(text: string): boolean {
  const shouting = (text.match(/\b[A-Z]{4,}\b/g) ?? []).length >= 2;
  return shouting || /!!!|chargeback|lawyer|third time|unacceptable|ridiculous/i.test(text);
}

/** The refund reason code the refund API accepts. */
export function refundReason(text: string): 'damaged' | 'not_received' | 'customer_request' {
  if (/broken|damaged|cracked|smashed|empty/i.test(text)) return 'damaged';
  if (/never (arrived|came)|not (arrived|received)|didn'?t (arrive|get)/i.test(text)) return 'not_received';
  return 'customer_request';
}

/** `4999` → `$49.99`. */
export function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** Reads a number field of a tool result; 0 when it is missing. */
export function num(obj: JsonObject | undefined, key: string): number {
  const v = obj?.[key];
  return typeof v === 'number' ? v : 0;
}

/** Reads a string field of a tool result; '' when it is missing. */
export function str(obj: JsonObject | undefined, key: string): string {
  const v = obj?.[key];
  return typeof v === 'string' ? v : '';
}

function asObject(value: Json): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
