/** RFC 6901 JSON pointers: the one way rehearse names a place inside a file. */

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a pointer from tokens: `['timeline', 3, 'args']` → `/timeline/3/args`. */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => '/' + escapePointerToken(t)).join('');
}

/** Splits a pointer into unescaped tokens. Throws on a pointer that does not start with `/` (except ``). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new SyntaxError(`JSON pointer must start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer`, or `undefined` when any step is missing. */
export function getAtPointer(value: unknown, pointer: string): unknown {
  let current: unknown = value;
  for (const token of parsePointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, token)) return undefined;
      current = (current as Record<string, unknown>)[token];
    }
  }
  return current;
}

/**
 * A copy of `value` without what the pointers name. Pointers that do not exist are ignored, so one
 * `ignore` list can serve calls whose arguments differ in shape. The input is never mutated.
 */
export function omitPointers(value: unknown, pointers: readonly string[]): unknown {
  if (pointers.length === 0) return value;
  const copy = structuredClone(value);
  // Every place is found before anything is removed, and array slots go highest index first, so removing
  // one does not shift what another pointer names (`/list/0` and `/list/1` remove the first two items).
  const slots: { array: unknown[]; index: number }[] = [];
  for (const pointer of pointers) {
    const tokens = parsePointer(pointer);
    const last = tokens.pop();
    if (last === undefined) return undefined; // "" names the whole value
    const parent = getAtPointer(copy, toPointer(tokens));
    if (parent === null || typeof parent !== 'object') continue;
    if (Array.isArray(parent)) {
      const index = /^(0|[1-9]\d*)$/.test(last) ? Number(last) : -1;
      if (index >= 0 && index < parent.length && !slots.some((s) => s.array === parent && s.index === index)) slots.push({ array: parent, index });
    } else {
      delete (parent as Record<string, unknown>)[last];
    }
  }
  slots.sort((a, b) => b.index - a.index);
  for (const { array, index } of slots) array.splice(index, 1);
  return copy;
}
