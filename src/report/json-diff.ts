import type { Json } from '../model/index.js';
import { sameJson } from './trajectory.js';

/** One changed value, addressed by JSON pointer. */
export interface JsonChange {
  pointer: string;
  kind: 'added' | 'removed' | 'changed';
  before?: Json;
  after?: Json;
}

/**
 * The differences between two JSON values, as pointer-addressed changes, in document order. Small and
 * dependency-free on purpose: reports need a readable list, not a patch format.
 */
export function diffJson(before: Json, after: Json, pointer = '', out: JsonChange[] = []): JsonChange[] {
  if (sameJson(before, after)) return out;
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after);
  if (bothArrays) {
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++) diffChild(before[i], after[i], `${pointer}/${i}`, i < before.length, i < after.length, out);
  } else if (bothObjects) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      diffChild(before[key], after[key], `${pointer}/${escapePointer(key)}`, key in before, key in after, out);
    }
  } else {
    out.push({ pointer: pointer || '/', kind: 'changed', before, after });
  }
  return out;
}

function diffChild(b: Json | undefined, a: Json | undefined, pointer: string, inBefore: boolean, inAfter: boolean, out: JsonChange[]): void {
  if (!inBefore) out.push({ pointer, kind: 'added', after: a as Json });
  else if (!inAfter) out.push({ pointer, kind: 'removed', before: b as Json });
  else diffJson(b as Json, a as Json, pointer, out);
}

/**
 * Reads the changeset json-diff-ts produces (`[{ type: 'UPDATE', key, value, oldValue, changes? }]`, nested
 * by `changes`) into the same flat list, so evidence made by either diff renders alike.
 */
export function changesFromChangeset(changeset: Json, pointer = '', out: JsonChange[] = []): JsonChange[] {
  if (!Array.isArray(changeset)) return out;
  for (const entry of changeset) {
    if (!isObject(entry) || typeof entry.type !== 'string') continue;
    const key = entry.key === undefined || entry.key === '$root' ? '' : `/${escapePointer(String(entry.key))}`;
    const at = `${pointer}${key}`;
    if (Array.isArray(entry.changes)) {
      changesFromChangeset(entry.changes, at, out);
    } else if (entry.type === 'ADD') {
      out.push({ pointer: at || '/', kind: 'added', after: entry.value ?? null });
    } else if (entry.type === 'REMOVE') {
      out.push({ pointer: at || '/', kind: 'removed', before: entry.value ?? null });
    } else {
      out.push({ pointer: at || '/', kind: 'changed', before: entry.oldValue ?? null, after: entry.value ?? null });
    }
  }
  return out;
}

/**
 * Finds a diff in assertion evidence: `{ expected, actual }` (diffed here) or `{ diff: <json-diff-ts changeset> }`.
 * Undefined when the evidence holds neither or they are equal.
 */
export function diffFromEvidence(evidence: Json | undefined): JsonChange[] | undefined {
  if (!isObject(evidence)) return undefined;
  let changes: JsonChange[] = [];
  if ('expected' in evidence && 'actual' in evidence) {
    changes = diffJson(evidence.expected ?? null, evidence.actual ?? null);
  } else if (Array.isArray(evidence.diff)) {
    changes = changesFromChangeset(evidence.diff);
  }
  return changes.length > 0 ? changes : undefined;
}

/**
 * Unified-diff-style lines (`- /amount: 10`, `+ /amount: 100`) for a ```diff block. Values are compact
 * JSON cut at `maxValue` characters; at most `maxChanges` changes are listed.
 */
export function formatChanges(changes: JsonChange[], maxChanges = 40, maxValue = 200): string {
  const lines: string[] = [];
  const value = (v: Json | undefined): string => {
    const text = JSON.stringify(v ?? null);
    return text.length > maxValue ? `${text.slice(0, maxValue)}… (${text.length - maxValue} more characters)` : text;
  };
  for (const change of changes.slice(0, maxChanges)) {
    if (change.kind !== 'added') lines.push(`- ${change.pointer}: ${value(change.before)}`);
    if (change.kind !== 'removed') lines.push(`+ ${change.pointer}: ${value(change.after)}`);
  }
  if (changes.length > maxChanges) lines.push(`# … and ${changes.length - maxChanges} more changes`);
  return lines.join('\n');
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
