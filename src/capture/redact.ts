import type { Json, JsonObject } from '../model/json.js';
import type { RedactionRecord } from '../model/case.js';
import { BUILT_IN_RULES, labelFrom, normalizeKey, type PatternRule } from './redact-rules.js';
import {
  compilePointer,
  compileUserPattern,
  escapeRegExp,
  existingCounters,
  mayHoldSecret,
  pointerMatches,
  secretKeyRule,
  toPointer,
  type CompiledPointer,
} from './redact-helpers.js';

/** A user rule: a regex over strings, a JSON pointer whose value goes whole, or a key name whose values go whole. */
export type RedactionRule =
  | { name: string; pattern: RegExp | string }
  /** `*` matches any one segment: `/timeline/*\/args/address`. */
  | { pointer: string; name?: string }
  | { key: string; name?: string };

export interface RedactOptions {
  /** Rules added to the built-in ones. */
  rules?: RedactionRule[];
  /** Built-in pattern rules to turn off, by name (`phone`, `email`, …). */
  disable?: string[];
  /**
   * Replace values under credential-like keys (`password`, `token`, `apiKey`, `authorization`, `cookie`, …).
   * @default true
   */
  keyNames?: boolean;
}

export interface RedactResult<T = Json> {
  value: T;
  /** One per placeholder, with every pointer where it now stands. Empty when nothing was found. */
  records: RedactionRecord[];
}

/** A step of the walk's path: an object key, or an array index (kept a number until a pointer is written). */
type PathSegment = string | number;

/** Matches placeholders this module writes; they are never redacted again, which makes redaction idempotent. */
const WHOLE_PLACEHOLDER = /^<<[A-Z0-9_]+_\d+>>$/;
/*
 * Capture stamps every timeline event with an ISO time, a new text in each run that the digit rules (phone,
 * card) would otherwise scan at length; no built-in rule matches one (redact.test.ts checks the rules
 * themselves), so with built-in rules only it is skipped. User patterns may mean anything and still see it.
 */
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Shorter strings cannot hold any built-in secret (the shortest, an email, is `a@b.co`). */
const MIN_SCANNED_LENGTH = 6;
/** Secrets found only by context are swept for literally elsewhere; shorter ones would hit ordinary words. */
const MIN_SWEPT_LENGTH = 6;

/*
 * Texts in which the pattern rules found nothing, per rule set, across calls: a process that captures runs
 * redacts the same system prompt, tool descriptions and conversation history in run after run, and a repeat
 * then costs one lookup instead of every rule's scan. Only clean texts are kept (never a secret), and the
 * cache is bounded by total length so long documents cannot grow it without limit.
 */
const CLEAN_TEXTS = new Map<string, Set<string>>();
const CLEAN_TEXTS_MAX_CHARS = 4_000_000;
let cleanTextChars = 0;

function cleanTextsFor(signature: string): Set<string> {
  let set = CLEAN_TEXTS.get(signature);
  if (!set) CLEAN_TEXTS.set(signature, (set = new Set()));
  return set;
}

function rememberClean(clean: Set<string>, text: string): void {
  if (cleanTextChars + text.length > CLEAN_TEXTS_MAX_CHARS) {
    for (const set of CLEAN_TEXTS.values()) set.clear();
    cleanTextChars = 0;
  }
  clean.add(text);
  cleanTextChars += text.length;
}

/** Identifies the pattern rules in force, so texts found clean under one rule set are not trusted under another. */
function patternSignature(patterns: PatternRule[]): string {
  let signature = '';
  for (const rule of patterns) signature += rule.name.startsWith('user:') ? `${rule.name}\u0000${String(rule.pattern)}\u0001` : `${rule.name}\u0001`;
  return signature;
}

/**
 * Replaces secrets and personal data anywhere in a JSON value (strings, object keys, values under secret
 * keys or user pointers) with stable placeholders: within one call, the same secret always becomes the same
 * `<<LABEL_n>>`, so a redacted argument in the input still matches the same redacted argument in a tool call
 * during replay. Records list placeholders, rules and pointers, never the secret. Placeholders already in
 * the value are left alone and numbering continues after them, so redacting twice changes nothing.
 *
 * @example
 * redact({ to: 'ada@example.com' }).value // { to: '<<EMAIL_1>>' }
 */
export function redact<T extends Json>(value: T, options: RedactOptions = {}): RedactResult<T> {
  const first = new Redactor(value, options, new Map());
  const result = first.run();
  // Numbering started at 1, which is right unless the value already held placeholders (promote re-redacting
  // a captured run): then redo it numbered after them. Checking during the walk saves a pass in the usual case.
  if (first.sawPlaceholder && result.records.length > 0) {
    return new Redactor(value, options, existingCounters(value)).run() as RedactResult<T>;
  }
  return result as RedactResult<T>;
}


class Redactor {
  private readonly patterns: PatternRule[];
  private readonly pointers: CompiledPointer[];
  private readonly userKeys = new Map<string, { name: string; label: string }>();
  private readonly keyNames: boolean;
  /** User regexes may match anything, so keys made of letters are scanned too when there are any. */
  private readonly userPatterns: boolean;
  /** secret → placeholder, across rules, so a value has one placeholder wherever it was found. */
  private readonly placeholders = new Map<string, string>();
  private readonly records = new Map<string, RedactionRecord>();
  private readonly swept = new Set<string>();
  private readonly scanned = new Map<string, { out: string; placeholders: string[] }>();
  /** Texts known (from earlier calls) to hold nothing the pattern rules find. */
  private readonly clean: Set<string>;
  /** Set when the walk met text containing `<<`: numbering may then have to continue after existing placeholders. */
  sawPlaceholder = false;

  constructor(
    private readonly root: Json,
    options: RedactOptions,
    /** Last number used per label. */
    private readonly counters: Map<string, number>,
  ) {
    const disabled = new Set(options.disable ?? []);
    this.patterns = BUILT_IN_RULES.filter((rule) => !disabled.has(rule.name));
    this.pointers = [];
    for (const rule of options.rules ?? []) {
      if ('pattern' in rule) this.patterns.push(compileUserPattern(rule));
      else if ('pointer' in rule) this.pointers.push(compilePointer(rule.pointer, rule.name));
      else if ('key' in rule) {
        const name = rule.name ?? rule.key;
        this.userKeys.set(normalizeKey(rule.key), { name: `user:${name}`, label: labelFrom(name) });
      } else throw new TypeError(`redact: rule ${JSON.stringify(rule)} needs a pattern, a pointer or a key`);
    }
    this.keyNames = options.keyNames ?? true;
    this.userPatterns = this.patterns.some((rule) => rule.name.startsWith('user:'));
    this.clean = cleanTextsFor(this.userPatterns || disabled.size > 0 ? patternSignature(this.patterns) : '');
  }

  run(): RedactResult {
    let value = this.walk(this.root, []);
    if (this.swept.size > 0) value = this.sweep(value, []);
    return { value, records: [...this.records.values()] };
  }

  /*
   * `path` is one mutable stack (push before a child, pop after) and containers are copied only when a
   * child changed: most of a run holds no secret, so this walk mostly reads and allocates almost nothing.
   */
  private walk(value: Json, path: PathSegment[]): Json {
    if (this.pointers.length > 0) {
      const rule = this.pointers.find((p) => pointerMatches(p.segments, path));
      if (rule) return this.replaceWhole(value, path, rule.name, rule.label);
    }
    if (typeof value === 'string') return this.scan(value, path);
    if (value === null || typeof value !== 'object') return value;
    // Numbers, booleans, null and short strings cannot change (unless a pointer rule may name them): they
    // are skipped without a call, and array indexes stay numbers until a pointer is written.
    const skipShort = this.pointers.length === 0;
    if (Array.isArray(value)) {
      let copy: Json[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i]!;
        if (skipShort && (typeof item === 'string' ? item.length < MIN_SCANNED_LENGTH : item === null || typeof item !== 'object')) {
          if (copy) copy[i] = item;
          continue;
        }
        path.push(i);
        const next = this.walk(item, path);
        path.pop();
        if (next !== item) copy ??= value.slice(0, i);
        if (copy) copy[i] = next;
      }
      return copy ?? value;
    }
    let copy: JsonObject | undefined;
    // for-in rather than Object.keys: V8 reads the values through the object's enum cache, with no key array.
    for (const rawKey in value) {
      const item = value[rawKey]!;
      if (!this.sawPlaceholder && rawKey.includes('<<')) this.sawPlaceholder = true;
      const key = rawKey.length >= MIN_SCANNED_LENGTH && (this.userPatterns || mayHoldSecret(rawKey)) ? this.scanKey(rawKey, path) : rawKey;
      const byKey = this.keyRule(rawKey);
      let next: Json;
      if (!byKey && skipShort && (typeof item === 'string' ? item.length < MIN_SCANNED_LENGTH : item === null || typeof item !== 'object')) {
        next = item;
      } else {
        path.push(key);
        next = byKey ? this.replaceWhole(item, path, byKey.name, byKey.label) : this.walk(item, path);
        path.pop();
      }
      if ((next !== item || key !== rawKey) && !copy) {
        copy = {};
        for (const earlier in value) {
          if (earlier === rawKey) break;
          copy[earlier] = value[earlier]!;
        }
      }
      if (copy) copy[key] = next;
    }
    return copy ?? value;
  }

  private keyRule(key: string): { name: string; label: string } | undefined {
    if (this.userKeys.size > 0) {
      const user = this.userKeys.get(normalizeKey(key));
      if (user) return user;
    }
    return this.keyNames ? secretKeyRule(key) : undefined;
  }

  /** Replaces a value as a whole (secret key, user pointer). Empty values and placeholders stay. */
  private replaceWhole(value: Json, path: PathSegment[], rule: string, label: string): Json {
    if (value === null || typeof value === 'boolean' || value === '') return value;
    const secret = typeof value === 'string' ? value : JSON.stringify(value);
    if (secret.includes('<<')) {
      this.sawPlaceholder = true;
      if (WHOLE_PLACEHOLDER.test(secret)) return value;
    }
    if (typeof value === 'string' && value.length >= MIN_SWEPT_LENGTH) this.swept.add(value);
    return this.placeholderFor(secret, rule, label, path);
  }

  /**
   * Replaces pattern matches in one string. Results are cached per distinct text: a run repeats the same
   * strings (the user's message in the input and again in every model request), and a repeat costs only
   * its pointers.
   */
  private scan(text: string, path: PathSegment[]): string {
    if (text.length < MIN_SCANNED_LENGTH) return text;
    if (!this.sawPlaceholder && text.includes('<<')) this.sawPlaceholder = true;
    if (this.clean.has(text)) return text;
    if (!this.userPatterns && text.length === 24 && ISO_TIMESTAMP.test(text)) return text;
    const cached = this.scanned.get(text);
    if (cached) {
      for (const placeholder of cached.placeholders) this.addPointer(placeholder, this.records.get(placeholder)!.rule, path);
      return cached.out;
    }
    const placeholders: string[] = [];
    let out = text;
    for (const rule of this.patterns) {
      if (rule.hint && !rule.hint(out)) continue;
      rule.pattern.lastIndex = 0;
      if (!rule.pattern.test(out)) continue;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (match: string) => {
        if (rule.accept && !rule.accept(match)) return match;
        if (WHOLE_PLACEHOLDER.test(match)) return match;
        if (rule.contextual && match.length >= MIN_SWEPT_LENGTH) this.swept.add(match);
        const placeholder = this.placeholderFor(match, rule.name, rule.label, path);
        placeholders.push(placeholder);
        return placeholder;
      });
    }
    if (out === text && placeholders.length === 0) rememberClean(this.clean, text);
    else this.scanned.set(text, { out, placeholders });
    return out;
  }

  private scanKey(key: string, path: PathSegment[]): string {
    // The pointer of a renamed key is the pointer of its new name, so it is computed after replacing.
    const found: { secret: string; rule: string; label: string }[] = [];
    let out = key;
    for (const rule of this.patterns) {
      if (rule.hint && !rule.hint(out)) continue;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (match: string) => {
        if ((rule.accept && !rule.accept(match)) || WHOLE_PLACEHOLDER.test(match)) return match;
        found.push({ secret: match, rule: rule.name, label: rule.label });
        return this.placeholderFor(match, rule.name, rule.label, undefined);
      });
    }
    for (const f of found) this.addPointer(this.placeholders.get(f.secret)!, f.rule, [...path, out]);
    return out;
  }

  private placeholderFor(secret: string, rule: string, label: string, path: PathSegment[] | undefined): string {
    let placeholder = this.placeholders.get(secret);
    if (!placeholder) {
      placeholder = `<<${label}_${this.nextNumber(label)}>>`;
      this.placeholders.set(secret, placeholder);
    }
    if (path) this.addPointer(placeholder, rule, path);
    return placeholder;
  }

  private addPointer(placeholder: string, rule: string, path: PathSegment[]): void {
    const pointer = toPointer(path);
    const record = this.records.get(placeholder);
    if (!record) this.records.set(placeholder, { placeholder, rule, pointers: [pointer] });
    else if (!record.pointers.includes(pointer)) record.pointers.push(pointer);
  }

  private nextNumber(label: string): number {
    const next = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, next);
    return next;
  }

  /** Second pass: a secret recognised by context (a key name, `Bearer `) also goes where it appears bare. */
  private sweep(value: Json, path: PathSegment[]): Json {
    if (typeof value === 'string') return this.sweepString(value, path);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      return value.map((item, i) => {
        path.push(String(i));
        const next = this.sweep(item, path);
        path.pop();
        return next;
      });
    }
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      path.push(key);
      out[key] = this.sweep(value[key]!, path);
      path.pop();
    }
    return out;
  }

  private sweepPattern: RegExp | undefined;

  private sweepString(text: string, path: PathSegment[]): string {
    if (text.length < MIN_SWEPT_LENGTH) return text;
    this.sweepPattern ??= new RegExp(
      [...this.swept].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    this.sweepPattern.lastIndex = 0;
    if (!this.sweepPattern.test(text)) return text;
    this.sweepPattern.lastIndex = 0;
    return text.replace(this.sweepPattern, (match) => {
      const placeholder = this.placeholders.get(match)!;
      this.addPointer(placeholder, this.records.get(placeholder)?.rule ?? 'sweep', path);
      return placeholder;
    });
  }
}

export { toPointer };
