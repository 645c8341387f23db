/**
 * JSON text with object keys sorted at every depth, so two values that differ only in key order get the
 * same text. This is the identity that replay matches tool arguments by.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined (an absent argument) and functions have no JSON text; give them one that cannot collide.
    const text = JSON.stringify(value);
    return text === undefined ? 'undefined' : text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i] === undefined ? null : value[i]);
    return out + ']';
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function') continue; // JSON.stringify drops these too
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

/**
 * Whether two values have the same canonical JSON, without building the strings: the fast path for matching
 * a call against the few recorded calls of its tool. Agrees with `canonicalJson(a) === canonicalJson(b)`.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return a !== undefined || b !== undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return canonicalJson(a) === canonicalJson(b); // numbers like 1 vs 1.0, undefined vs null in arrays, …
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] === undefined ? null : a[i], other[i] === undefined ? null : other[i])) return false;
    return true;
  }
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function' || typeof (b as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson(a) === canonicalJson(b);
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (!Object.prototype.hasOwnProperty.call(ao, key)) continue;
    const value = ao[key];
    if (value === undefined || typeof value === 'function') continue; // dropped by JSON
    count++;
    if (!Object.prototype.hasOwnProperty.call(bo, key) || !jsonEqual(value, bo[key])) return false;
  }
  for (const key in bo) {
    if (!Object.prototype.hasOwnProperty.call(bo, key)) continue;
    const value = bo[key];
    if (value !== undefined && typeof value !== 'function') count--;
  }
  return count === 0;
}

/**
 * True when `value` is already what `JSON.parse(JSON.stringify(value))` would give back: plain objects and
 * arrays of strings, finite numbers, booleans and null. Lets callers skip that round trip, the costliest step
 * of recording an agent's output, for the common case. Very deep values (or cycles) answer false.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false; // holes read as undefined
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false; // Date, Map, class instances, toJSON owners
  for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
