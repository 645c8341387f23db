import type { Json, JsonObject } from '../model/json.js';

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Deep equality of JSON values; object key order is ignored. Numbers compare with `===`.
 *
 * @example deepEqual({ a: 1, b: [2] }, { b: [2], a: 1 }) // true
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (!hasOwn.call(ao, key)) continue;
    count++;
    if (!hasOwn.call(bo, key) || !deepEqual(ao[key], bo[key])) return false;
  }
  for (const key in bo) if (hasOwn.call(bo, key)) count--;
  return count === 0;
}

/**
 * Whether `actual` contains `expected`: objects match when every expected key is present and matches
 * (extra keys in `actual` are fine); arrays need the same length and match element by element; anything
 * else compares with `===`. This is how `args` of the tool assertions are matched.
 *
 * @example subsetMatch({ orderId: 'A1' }, { orderId: 'A1', reason: 'late' }) // true
 * @example subsetMatch([{ sku: 'X' }], [{ sku: 'X', qty: 2 }]) // true
 * @example subsetMatch([1], [1, 2]) // false: arrays must have the same length
 */
export function subsetMatch(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || expected.length !== actual.length) return false;
    for (let i = 0; i < expected.length; i++) if (!subsetMatch(expected[i], actual[i])) return false;
    return true;
  }
  if (Array.isArray(actual)) return false;
  const eo = expected as Record<string, unknown>;
  const ao = actual as Record<string, unknown>;
  for (const key in eo) {
    if (!hasOwn.call(eo, key)) continue;
    if (!hasOwn.call(ao, key) || !subsetMatch(eo[key], ao[key])) return false;
  }
  return true;
}

/** Number of leaves (primitives, empty objects, empty arrays) in a value; at least 1. */
function leafCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 1;
  let n = 0;
  if (Array.isArray(value)) for (const item of value) n += leafCount(item);
  else for (const key in value) if (hasOwn.call(value, key)) n += leafCount((value as Record<string, unknown>)[key]);
  return n === 0 ? 1 : n;
}

interface Tally {
  matched: number;
  total: number;
}

function tally(expected: unknown, actual: unknown, exact: boolean, into: Tally): void {
  if (typeof expected !== 'object' || expected === null) {
    into.total++;
    if (expected === actual) into.matched++;
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      into.total += leafCount(expected);
      return;
    }
    if (expected.length === 0) {
      into.total++;
      if (actual.length === 0) into.matched++;
    }
    for (let i = 0; i < expected.length; i++) tally(expected[i], actual[i], exact, into);
    // Extra elements always count against: arrays must have equal length in both modes.
    for (let i = expected.length; i < actual.length; i++) into.total += leafCount(actual[i]);
    return;
  }
  if (!isJsonObject(actual)) {
    into.total += leafCount(expected);
    return;
  }
  const eo = expected as Record<string, unknown>;
  let keys = 0;
  for (const key in eo) {
    if (!hasOwn.call(eo, key)) continue;
    keys++;
    tally(eo[key], hasOwn.call(actual, key) ? actual[key] : undefined, exact, into);
  }
  if (keys === 0) {
    // `{}` is one leaf: a subset of any object, equal only to another empty object.
    into.total++;
    if (!exact || Object.keys(actual).length === 0) into.matched++;
    if (exact) for (const key in actual) into.total += leafCount(actual[key]);
    return;
  }
  if (exact) for (const key in actual) if (!hasOwn.call(eo, key)) into.total += leafCount(actual[key]);
}

/**
 * Partial credit for a near miss: the share of leaves that agree, in 0..1. With `exact`, leaves that only
 * `actual` has count against it (as `deepEqual` would); without, only `expected`'s leaves matter (as in
 * `subsetMatch`). Returns 1 exactly when the corresponding match succeeds.
 */
export function leafAgreement(expected: unknown, actual: unknown, exact: boolean): number {
  const t: Tally = { matched: 0, total: 0 };
  tally(expected, actual, exact, t);
  return t.total === 0 ? 1 : t.matched / t.total;
}

/**
 * `actual` cut down to the keys `expected` mentions (recursively), so that a diff for a subset match shows
 * only what disagrees, not every extra argument the call had.
 */
export function projectOnto(expected: unknown, actual: Json): Json {
  if (isJsonObject(expected) && isJsonObject(actual)) {
    if (Object.keys(expected).length === 0) return actual;
    const out: JsonObject = {};
    for (const key of Object.keys(expected)) if (hasOwn.call(actual, key)) out[key] = projectOnto(expected[key], actual[key] as Json);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return actual.map((item, i) => (i < expected.length ? projectOnto(expected[i], item) : item));
  }
  return actual;
}

/** JSON text of a value, cut to `max` characters with an ellipsis: for names and messages. */
export function formatJsonShort(value: unknown, max = 60): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
