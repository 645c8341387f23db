import type { Json } from '../model/json.js';
import { isJsonObject } from './json-value.js';

/**
 * What `resolveOutputPath` found: the value, or why there is none. `missing` means the path is well formed
 * but the output has nothing there (the assertion fails); `invalid` means the path itself cannot be parsed
 * (the spec is wrong: the assertion errors).
 */
export type OutputPathResult =
  | { ok: true; value: Json }
  | { ok: false; reason: 'missing' | 'invalid'; message: string };

type Segment = string | number;
type Parsed = { ok: true; segments: Segment[] } | { ok: false; message: string };

// Paths come from case files and repeat across thousands of runs: parse each once.
const parsedPaths = new Map<string, Parsed>();

/**
 * Selects a value inside an agent's output by a JSON pointer (`/order/items/0/sku`, RFC 6901) or a dotted
 * path (`$.order.items[0].sku`, `order.status`, `$['odd key']`, `items[-1]` for the last element).
 * An empty path or `$` selects the whole output. When the output is a string holding a JSON object
 * or array (agents often return JSON text), the path looks inside the parsed value.
 *
 * @example resolveOutputPath({ order: { status: 'refunded' } }, '/order/status') // { ok: true, value: 'refunded' }
 */
export function resolveOutputPath(output: Json | undefined, path: string): OutputPathResult {
  let parsed = parsedPaths.get(path);
  if (!parsed) {
    parsed = parsePath(path);
    parsedPaths.set(path, parsed);
  }
  if (!parsed.ok) return { ok: false, reason: 'invalid', message: `path "${path}": ${parsed.message}` };
  if (output === undefined) return { ok: false, reason: 'missing', message: `path "${path}": the agent returned no output` };
  let current: Json = parsed.segments.length > 0 ? parseJsonText(output) : output;
  for (let i = 0; i < parsed.segments.length; i++) {
    const segment = parsed.segments[i] as Segment;
    if (Array.isArray(current)) {
      const index = typeof segment === 'number' ? segment : /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : NaN;
      if (Number.isNaN(index)) return missing(path, `${where(parsed.segments, i)} is an array; "${segment}" is not an index`);
      const at = index < 0 ? current.length + index : index;
      if (at < 0 || at >= current.length) {
        return missing(path, `${where(parsed.segments, i)} has ${current.length} item${current.length === 1 ? '' : 's'}, no index ${index}`);
      }
      current = current[at] as Json;
    } else if (isJsonObject(current)) {
      const key = String(segment);
      if (!Object.prototype.hasOwnProperty.call(current, key)) {
        return missing(path, `${where(parsed.segments, i)} has no key "${key}" (keys: ${listKeys(current)})`);
      }
      current = current[key] as Json;
    } else {
      return missing(path, `${where(parsed.segments, i)} is ${describeType(current)}, not an object or array`);
    }
  }
  return { ok: true, value: current };
}

/** Names the value reached after `count` segments, for messages (built only on failure: this is a hot path). */
function where(segments: Segment[], count: number): string {
  return count === 0 ? 'the output' : formatSegments(segments.slice(0, count));
}

function missing(path: string, detail: string): OutputPathResult {
  return { ok: false, reason: 'missing', message: `no value at "${path}": ${detail}` };
}

function parseJsonText(output: Json): Json {
  if (typeof output !== 'string') return output;
  const first = output.trimStart()[0];
  if (first !== '{' && first !== '[') return output;
  try {
    return JSON.parse(output) as Json;
  } catch {
    return output;
  }
}

function listKeys(obj: object): string {
  const keys = Object.keys(obj);
  if (keys.length === 0) return 'none';
  return keys.length > 8 ? `${keys.slice(0, 8).join(', ')}, …` : keys.join(', ');
}

function describeType(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string`;
  return `a ${typeof value}`;
}

function formatSegments(segments: Segment[]): string {
  let out = '$';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  return out;
}

function parsePath(path: string): Parsed {
  if (typeof path !== 'string') return { ok: false, message: 'must be a string' };
  if (path === '' || path === '$') return { ok: true, segments: [] };
  if (path.startsWith('/')) return parsePointer(path);
  return parseDotted(path);
}

function parsePointer(pointer: string): Parsed {
  const segments: Segment[] = [];
  for (const raw of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(raw)) return { ok: false, message: `"~" must be followed by 0 or 1 in a JSON pointer (segment "${raw}")` };
    segments.push(raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  return { ok: true, segments };
}

function parseDotted(path: string): Parsed {
  const segments: Segment[] = [];
  let i = 0;
  if (path.startsWith('$')) i = 1;
  else if (path[0] !== '[') i = -1; // `order.status`: a first name without the leading dot
  const fail = (what: string): Parsed => ({ ok: false, message: `${what} at character ${Math.max(i, 0) + 1}; use a JSON pointer (/a/0/b) or a path like $.a[0].b` });
  while (i < path.length) {
    const ch = i < 0 ? '.' : path[i];
    if (ch === '.') {
      const start = i + 1;
      let end = start;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      if (end === start) return fail('empty name');
      const name = path.slice(start, end);
      if (name === '*') return fail('wildcards are not supported');
      segments.push(name);
      i = end;
    } else if (ch === '[') {
      const close = findClose(path, i);
      if (close < 0) return fail('unclosed "["');
      const inner = path.slice(i + 1, close).trim();
      if (/^-?\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^'(?:[^'\\]|\\.)*'$/.test(inner)) segments.push(inner.slice(1, -1).replace(/\\(.)/g, '$1'));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segments.push(JSON.parse(inner) as string);
      else return fail(`"[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
    } else {
      return fail(`unexpected "${ch}"`);
    }
  }
  return { ok: true, segments };
}

/** Index of the `]` that closes the bracket at `open`, skipping quoted text. */
function findClose(path: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < path.length; j++) {
    const c = path[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return j;
  }
  return -1;
}
