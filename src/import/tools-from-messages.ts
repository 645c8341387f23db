import type { Json } from '../model/json.js';
import type { ChatMessage, RecordedError, TimelineEvent, ToolCallEvent } from '../model/case.js';
import { isObject } from './messages.js';

/**
 * Some instrumentations trace model calls only: the tools the agent ran show up as the assistant's
 * `tool_calls` in one chat span and as `tool` messages in the next one's request. This adds a tool event for
 * every such call that has no tool span (matched by tool call id), so the case can answer it on replay.
 *
 * Each added event goes right after the model event whose response asked for it; a call seen only in a later
 * request's history goes before the first model event that shows its result. Pure: returns a new array.
 */
export function addToolEventsFromMessages(timeline: readonly TimelineEvent[]): TimelineEvent[] {
  const known = new Set<string>();
  for (const event of timeline) if (event.type === 'tool' && event.callId) known.add(event.callId);

  // Every result visible anywhere, by call id (a later request repeats the whole history).
  const results = new Map<string, ChatMessage>();
  const requests = new Map<string, { name: string; args: Json }>();
  for (const event of timeline) {
    if (event.type !== 'model') continue;
    for (const message of event.request.messages) {
      if (message.role === 'tool' && message.toolCallId && !results.has(message.toolCallId)) results.set(message.toolCallId, message);
      for (const call of message.toolCalls ?? []) if (call.id && !requests.has(call.id)) requests.set(call.id, { name: call.name, args: call.args });
    }
    for (const call of event.response.toolCalls ?? []) if (call.id && !requests.has(call.id)) requests.set(call.id, { name: call.name, args: call.args });
  }

  // Tool spans without a call id (OpenInference TOOL spans often have none) claim the request with the
  // same name and arguments, so the same call is not added twice.
  const claimed = claimByArguments(timeline, requests, known);

  const out: TimelineEvent[] = [];
  const placed = new Set<string>();
  const place = (id: string): void => {
    if (known.has(id) || placed.has(id)) return;
    const result = results.get(id);
    const request = requests.get(id);
    if (!result || !request) return; // a call whose result was never seen did not run (or the trace ended)
    placed.add(id);
    out.push(toolEvent(id, request.name ?? result.name, request.args, result.content));
  };
  for (const original of timeline) {
    const event = claimed.get(original) ?? original;
    if (event.type === 'model') {
      // Calls only seen in this request's history happened before it.
      for (const message of event.request.messages) if (message.role === 'tool' && message.toolCallId) place(message.toolCallId);
    }
    out.push(event);
    if (event.type === 'model') for (const call of event.response.toolCalls ?? []) if (call.id) place(call.id);
  }
  return out;
}

function claimByArguments(timeline: readonly TimelineEvent[], requests: Map<string, { name: string; args: Json }>, known: Set<string>): Map<TimelineEvent, ToolCallEvent> {
  const claimed = new Map<TimelineEvent, ToolCallEvent>();
  for (const event of timeline) {
    if (event.type !== 'tool' || event.callId) continue;
    const args = JSON.stringify(canonical(event.args));
    for (const [id, request] of requests) {
      if (known.has(id) || request.name !== event.name || JSON.stringify(canonical(request.args)) !== args) continue;
      known.add(id);
      claimed.set(event, { ...event, callId: id });
      break;
    }
  }
  return claimed;
}

/** Keys sorted at every level, so argument objects compare regardless of key order. */
function canonical(value: Json): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObject(value)) return value;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]!);
  return out;
}

function toolEvent(callId: string, name: string | undefined, args: Json, content: Json): ToolCallEvent {
  const event: ToolCallEvent = { type: 'tool', name: name ?? 'unknown', callId, args };
  const error = errorContent(content);
  if (error) event.error = error;
  else event.result = parseContent(content);
  return event;
}

/** Tool messages carry text; JSON text is the tool's value. */
function parseContent(content: Json): Json {
  if (typeof content !== 'string') return content;
  try {
    return JSON.parse(content) as Json;
  } catch {
    return content;
  }
}

/**
 * Agents hand a thrown tool error back to the model as `{ "error": { "name", "message" } }` (or
 * `{ "error": "…" }`), and that is all a trace without tool spans keeps of it; it is recorded as the error
 * it was, so replay throws it again.
 */
function errorContent(content: Json): RecordedError | undefined {
  const value = parseContent(content);
  if (!isObject(value) || Object.keys(value).length !== 1) return undefined;
  const error = value['error'];
  if (typeof error === 'string' && error) return { message: error };
  if (isObject(error) && typeof error['message'] === 'string') {
    const recorded: RecordedError = { message: error['message'] };
    if (typeof error['name'] === 'string') recorded.name = error['name'];
    if (typeof error['code'] === 'string') recorded.code = error['code'];
    return recorded;
  }
  return undefined;
}

