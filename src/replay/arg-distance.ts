/**
 * How far apart two argument values are: the number of leaf places (object keys, array slots, scalar
 * values) where they differ. 0 means equal up to key order. Used to pick the `nearest` recorded call and
 * to name the closest one when a call has no match.
 */
export function argDistance(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  if (!aObject || !bObject) return aObject ? leafCount(a) : bObject ? leafCount(b) : 1;
  if (Array.isArray(a) !== Array.isArray(b)) return Math.max(leafCount(a), leafCount(b));
  if (Array.isArray(a) && Array.isArray(b)) {
    let distance = 0;
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i++) {
      distance += i < a.length && i < b.length ? argDistance(a[i], b[i]) : leafCount(i < a.length ? a[i] : b[i]);
    }
    return distance;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let distance = 0;
  for (const key of Object.keys(ao)) distance += key in bo ? argDistance(ao[key], bo[key]) : leafCount(ao[key]);
  for (const key of Object.keys(bo)) if (!(key in ao)) distance += leafCount(bo[key]);
  return distance;
}

function leafCount(value: unknown): number {
  if (value === null || typeof value !== 'object') return 1;
  const children = Array.isArray(value) ? value : Object.values(value);
  let count = 0;
  for (const child of children) count += leafCount(child);
  return Math.max(count, 1);
}
