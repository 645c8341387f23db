import type { Json } from '../model/json.js';
import { isSecretKeyName, labelFrom, normalizeKey, type PatternRule } from './redact-rules.js';

/*
 * The redactor's supporting pieces: compiled user rules, JSON pointers, the key-name cache, numbering.
 */

/** Placeholders this package writes: `<<LABEL_n>>`. */
export const PLACEHOLDER = /<<([A-Z0-9_]+)_(\d+)>>/g;

/** A pointer rule, split into segments (`*` matches any one). */
export interface CompiledPointer {
  segments: string[];
  name: string;
  label: string;
}

/*
 * Object keys repeat across every run a process captures, so the verdict per key is cached (bounded, so
 * data-shaped keys such as ids cannot grow it without limit).
 */
const KEY_RULE_CACHE = new Map<string, { name: string; label: string } | null>();
const KEY_RULE_CACHE_LIMIT = 10_000;

export function secretKeyRule(key: string): { name: string; label: string } | undefined {
  let rule = KEY_RULE_CACHE.get(key);
  if (rule === undefined) {
    rule = isSecretKeyName(normalizeKey(key)) ? { name: 'key-name', label: labelFrom(key) } : null;
    if (KEY_RULE_CACHE.size >= KEY_RULE_CACHE_LIMIT) KEY_RULE_CACHE.clear();
    KEY_RULE_CACHE.set(key, rule);
  }
  return rule ?? undefined;
}

/** Keys made only of letters and `_`/`$` (nearly all keys) cannot hold any secret the rules look for. */
export function mayHoldSecret(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i) | 0x20; // folds A-Z onto a-z; `_` (0x5f) and `$` (0x24) map to 0x7f and 0x24
    if (!((c >= 0x61 && c <= 0x7a) || c === 0x7f || c === 0x24)) return true;
  }
  return false;
}

export function compileUserPattern(rule: { name: string; pattern: RegExp | string }): PatternRule {
  const source = rule.pattern;
  const pattern =
    typeof source === 'string'
      ? new RegExp(source, 'g')
      : new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
  return { name: `user:${rule.name}`, label: labelFrom(rule.name), pattern, contextual: true };
}

export function compilePointer(pointer: string, name: string | undefined): CompiledPointer {
  if (pointer !== '' && !pointer.startsWith('/')) {
    throw new TypeError(`redact: pointer rule '${pointer}' must be a JSON pointer starting with '/' (e.g. /input/customer/address)`);
  }
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const ruleName = name ?? segments[segments.length - 1] ?? 'redacted';
  return { segments, name: `user:${name ?? pointer}`, label: labelFrom(ruleName === '*' ? 'redacted' : ruleName) };
}

/** `path` holds keys and array indexes (numbers, which a pointer spells in decimal). */
export function pointerMatches(segments: string[], path: readonly (string | number)[]): boolean {
  if (segments.length !== path.length) return false;
  for (let i = 0; i < segments.length; i++) if (segments[i] !== '*' && segments[i] !== String(path[i])) return false;
  return true;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function toPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `/${segment}` : `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return out;
}

/*
 * Numbers already used by placeholders in the value, so new ones continue after them. A walk that only
 * looks for `<<` in strings and keys: several times cheaper than `JSON.stringify` on a run, which has to
 * escape-check every character.
 */
export function existingCounters(root: Json): Map<string, number> {
  const counters = new Map<string, number>();
  const note = (text: string): void => {
    if (!text.includes('<<')) return;
    for (const match of text.matchAll(PLACEHOLDER)) {
      const label = match[1]!;
      const n = Number(match[2]);
      if (n > (counters.get(label) ?? 0)) counters.set(label, n);
    }
  };
  const visit = (value: Json): void => {
    if (typeof value === 'string') note(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        note(key);
        visit(value[key]!);
      }
    }
  };
  visit(root);
  return counters;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
