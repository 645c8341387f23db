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
