import type { Json, JsonObject } from '../model/json.js';
import type { AssertionSpec } from '../model/assertion.js';
import type { CapturedOutcome, TimelineEvent, ToolCallEvent } from '../model/case.js';

/** One suggested assertion, with the reason it was derived, and whether it is selected. */
export interface Suggestion {
  spec: AssertionSpec;
  /** Why the failure suggests it: one sentence for the review. */
  why: string;
  accepted: boolean;
}

export interface SuggestInput {
  timeline: readonly TimelineEvent[];
  outcome: Pick<CapturedOutcome, 'status' | 'output' | 'error'>;
  /** Index of the failing step. */
  atStep?: number;
  /** What the person promoting the run says went wrong. Quoted phrases in it that the output contains become `not-contains`. */
  note?: string;
}

/** A tool called this many times (any arguments) counts as a loop. */
const LOOP_CALLS = 3;
/** Steps allowed past the point where a loop began (the step that should have ended it, and an answer). */
const LOOP_SLACK = 2;

/**
 * Assertions that would have caught this failure, derived from the run alone. Pure and deterministic:
 * - a thrown error → `no-error`;
 * - a tool called again with the same arguments (a retry) → `tool-called` with those arguments and `count: 1`;
 * - a tool called `LOOP_CALLS`+ times → `max-tool-calls` for it, and `max-steps` a little above the length
 *   the run had when the loop began;
 * - a successful tool call at the failing step that was not a retry → `tool-not-called` with the arguments
 *   that identify it (ids), since it should not have happened;
 * - a phrase the note quotes that the output contains → `not-contains` (on the output field that holds it);
 * - an object output → `json-schema` of its shape (top-level keys and types), so the answer keeps its form.
 * When nothing else applies, `no-error`, so the case still has a check.
 */
export function suggestAssertions(input: SuggestInput): Suggestion[] {
  const out: Suggestion[] = [];
  const tools = input.timeline.flatMap((event, step) => (event.type === 'tool' ? [{ event, step }] : []));

  if (input.outcome.status === 'errored' || input.outcome.error) {
    out.push({ spec: { type: 'no-error' }, why: `the run threw${input.outcome.error ? `: ${input.outcome.error.message}` : ''}`, accepted: true });
  }

  const retried = new Set<string>();
  const byTool = new Map<string, { event: ToolCallEvent; step: number }[]>();
  for (const call of tools) {
    const list = byTool.get(call.event.name) ?? [];
    list.push(call);
    byTool.set(call.event.name, list);
  }
  for (const [tool, calls] of byTool) {
    const seen = new Map<string, number>();
    for (const { event } of calls) {
      const key = canonicalText(event.args);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const [key, count] of seen) {
      if (count < 2) continue;
      retried.add(`${tool}\u0000${key}`);
      const args = JSON.parse(key) as Json;
      out.push({
        spec: { name: `${tool} called once with these arguments`, type: 'tool-called', tool, ...(isEmpty(args) ? {} : { args }), count: 1 },
        why: `${tool} was called ${count} times with the same arguments (a retry)`,
        accepted: true,
      });
    }
    if (calls.length >= LOOP_CALLS) {
      const distinct = seen.size;
      out.push({
        spec: { name: `${tool} not looped`, type: 'max-tool-calls', tool, max: distinct },
        why: `${tool} was called ${calls.length} times (${distinct} distinct argument set${distinct === 1 ? '' : 's'}): the run looped`,
        accepted: true,
      });
    }
  }

  const loopStart = firstLoopStep(input.timeline);
  if (loopStart !== undefined) {
    const max = loopStart + LOOP_SLACK;
    out.push({
      spec: { type: 'max-steps', max },
      why: `the run looped from step ${loopStart} and took ${input.timeline.length} steps; ${max} leaves room to finish without the loop`,
      accepted: true,
    });
  }

  const failing = input.atStep !== undefined ? input.timeline[input.atStep] : undefined;
  if (failing?.type === 'tool' && !failing.error && !retried.has(`${failing.name}\u0000${canonicalText(failing.args)}`)) {
    const args = identifyingArgs(failing.args);
    out.push({
      spec: { name: `does not call ${failing.name}${args ? ` for ${describeArgs(args)}` : ''}`, type: 'tool-not-called', tool: failing.name, ...(args ? { args } : {}) },
      why: `the failing step ${input.atStep} is a ${failing.name} call that should not have happened`,
      accepted: true,
    });
  }

  for (const phrase of quotedPhrases(input.note ?? '')) {
    const path = pathHolding(input.outcome.output, phrase);
    if (path === undefined) continue;
    out.push({
      spec: { name: `does not say "${phrase}"`, type: 'not-contains', ...(path ? { path } : {}), value: phrase },
      why: `the note calls "${phrase}" wrong and the output says it`,
      accepted: true,
    });
  }

  const output = input.outcome.output;
  if (output !== null && typeof output === 'object' && !Array.isArray(output)) {
    out.push({ spec: { name: 'output shape', type: 'json-schema', schema: shapeSchema(output) }, why: 'the output is an object: keep its shape', accepted: true });
  }

  if (out.length === 0) out.push({ spec: { type: 'no-error' }, why: 'nothing in the run points at a more specific check; add one', accepted: true });
  return out;
}

/** Where the first tool called LOOP_CALLS or more times was first repeated: the step the loop began. */
function firstLoopStep(timeline: readonly TimelineEvent[]): number | undefined {
  const counts = new Map<string, number>();
  const firstRepeat = new Map<string, number>();
  for (let step = 0; step < timeline.length; step++) {
    const event = timeline[step]!;
    if (event.type !== 'tool') continue;
    const n = (counts.get(event.name) ?? 0) + 1;
    counts.set(event.name, n);
    if (n === 2) firstRepeat.set(event.name, step);
    if (n === LOOP_CALLS) return firstRepeat.get(event.name);
  }
  return undefined;
}

/** Arguments that name what a call acted on: keys ending in `id` / `Id` / `_id`, or small argument sets whole. */
export function identifyingArgs(args: Json): JsonObject | undefined {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const ids: JsonObject = {};
  for (const [key, value] of Object.entries(args)) {
    if (/(^id$|Id$|_id$|ID$)/.test(key) && (typeof value === 'string' || typeof value === 'number')) ids[key] = value;
  }
  if (Object.keys(ids).length > 0) return ids;
  return Object.keys(args).length > 0 && Object.keys(args).length <= 2 ? args : undefined;
}

function describeArgs(args: JsonObject): string {
  return Object.values(args)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join(', ');
}

/** Text between straight or curly double quotes, backticks, or single quotes that wrap more than one word. */
export function quotedPhrases(note: string): string[] {
  const phrases = new Set<string>();
  for (const match of note.matchAll(/"([^"]{2,200})"|“([^”]{2,200})”|`([^`]{2,200})`|(?:^|[\s(])'([^']*\s[^']*)'(?=$|[\s.,;:!?)])/g)) {
    const phrase = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? '').trim();
    if (phrase.length >= 2) phrases.add(phrase);
  }
  return [...phrases];
}

/** `''` for a string output containing the phrase, `$.a.b` for the string field holding it, else undefined. */
function pathHolding(output: Json | undefined, phrase: string, path = '$'): string | undefined {
  if (typeof output === 'string') return output.includes(phrase) ? (path === '$' ? '' : path) : undefined;
  if (output === null || typeof output !== 'object') return undefined;
  if (Array.isArray(output)) {
    for (let i = 0; i < output.length; i++) {
      const found = pathHolding(output[i], phrase, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(output)) {
    const found = pathHolding(value, phrase, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The output's form, one level deep: required keys and their JSON types. Values are not pinned. */
export function shapeSchema(value: JsonObject): Json {
  const properties: JsonObject = {};
  for (const [key, item] of Object.entries(value)) properties[key] = { type: jsonType(item) };
  return { type: 'object', required: Object.keys(value), properties };
}

function jsonType(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  // `number`, not `integer`: an amount that happened to be whole must not fail the shape when it is not.
  return typeof value;
}

function isEmpty(value: Json): boolean {
  return value === null || (typeof value === 'object' && Object.keys(value).length === 0);
}

function canonicalText(value: Json): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}
