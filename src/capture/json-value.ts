import type { Json, JsonObject } from '../model/json.js';
import type { RecordedError } from '../model/case.js';

/*
 * Capture snapshots every argument and result when the call happens, not when the run is written: agents
 * mutate message arrays and result objects after the fact, and the recording must show what the tool saw.
 * `JSON.parse(JSON.stringify(x))` would be the obvious snapshot, but it throws on cycles and BigInt and
 * drops Errors to `{}`; this walker never throws, so a strange value cannot break the production call.
 */

const MAX_DEPTH = 64;

/**
 * Converts any value into JSON that survives a round trip: `undefined` members are dropped (array slots
 * become `null`, as `JSON.stringify` does), Dates become ISO strings, BigInts strings, Errors their
 * recorded form, Maps objects, Sets arrays, cycles `"[Circular]"`; objects with `toJSON` are asked first.
 */
export function toJsonValue(value: unknown): Json {
  // Nearly everything an agent passes is already plain JSON (objects, arrays, strings, numbers): copy that
  // in one tight walk with no cycle bookkeeping (a cycle or a Date, Map, class instance, getter that throws
  // makes it give up), and only then take the careful walk. Capture snapshots on the agent's path.
  if (typeof value !== 'object' || value === null) return primitive(value) ?? null;
  try {
    const copy = copyPlain(value, 0);
    if (copy !== NOT_PLAIN) return copy as Json;
  } catch {
    // a throwing getter: the careful walk records it
  }
  return convert(value, new Set(), 0) ?? null;
}

const NOT_PLAIN: unique symbol = Symbol('not plain JSON');

/**
 * A copy of plain JSON data (plain objects and arrays of primitives), with `convert`'s results for
 * primitives; `NOT_PLAIN` when anything needs the careful walk. Depth stands in for cycle detection.
 */
function copyPlain(value: unknown, depth: number): Json | undefined | typeof NOT_PLAIN {
  if (typeof value !== 'object' || value === null) return primitive(value);
  if (depth >= MAX_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    const out: Json[] = new Array<Json>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = copyPlain(value[i], depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      out[i] = item ?? null;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN; // Date, Map, Error, class instances
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
  const out: JsonObject = {};
  for (const key in value) {
    const item = copyPlain((value as Record<string, unknown>)[key], depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (item !== undefined) out[key] = item;
  }
  return out;
}

/**
 * The JSON of a value that is not an object: strings and booleans as they are, non-finite numbers `null`,
 * BigInts strings, and `undefined` for what JSON drops (undefined, functions, symbols: left out of objects,
 * `null` in arrays).
 */
function primitive(value: unknown): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      return null; // only null reaches here
    default:
      return undefined;
  }
}

function convert(value: unknown, seen: Set<object>, depth: number): Json | undefined {
  if (typeof value !== 'object' || value === null) return primitive(value);
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(object);
  try {
    return convertObject(object, seen, depth + 1);
  } catch {
    // A getter or toJSON that throws: record that rather than failing the capture.
    return '[Unserializable]';
  } finally {
    seen.delete(object);
  }
}

function convertObject(object: object, seen: Set<object>, depth: number): Json | undefined {
  if (Array.isArray(object)) return object.map((item) => convert(item, seen, depth) ?? null);
  if (object instanceof Error) return toRecordedError(object) as unknown as JsonObject;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return convert((object as { toJSON: () => unknown }).toJSON(), seen, depth);
  }
  if (object instanceof Map) {
    const out: JsonObject = {};
    for (const [key, item] of object) {
      const converted = convert(item, seen, depth);
      if (converted !== undefined) out[String(key)] = converted;
    }
    return out;
  }
  if (object instanceof Set) return [...object].map((item) => convert(item, seen, depth) ?? null);
  if (ArrayBuffer.isView(object)) return `[${object.constructor.name} ${object.byteLength} bytes]`;
  const out: JsonObject = {};
  for (const key of Object.keys(object)) {
    const converted = convert((object as Record<string, unknown>)[key], seen, depth);
    if (converted !== undefined) out[key] = converted;
  }
  return out;
}

/** The recorded form of anything thrown: message, name, string `code` and stack, when present. */
export function toRecordedError(thrown: unknown): RecordedError {
  if (thrown instanceof Error || (thrown !== null && typeof thrown === 'object' && 'message' in thrown)) {
    const error = thrown as Error & { code?: unknown };
    const recorded: RecordedError = { message: String(error.message) };
    if (typeof error.name === 'string' && error.name !== '') recorded.name = error.name;
    if (typeof error.code === 'string' || typeof error.code === 'number') recorded.code = String(error.code);
    if (typeof error.stack === 'string') recorded.stack = error.stack;
    return recorded;
  }
  return { message: typeof thrown === 'string' ? thrown : safeString(thrown), name: 'NonError' };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable thrown value]';
  }
}
