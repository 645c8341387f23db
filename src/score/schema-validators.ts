import type { Json } from '../model/json.js';
import type { Ajv, ErrorObject, Options } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';

/** A compiled JSON Schema: `validate(value)` → the ajv errors, empty when the value is valid. */
export type SchemaValidator = (value: unknown) => ErrorObject[];

/** A validator, or why the schema could not be compiled. */
export type CompiledSchema = { ok: true; validate: SchemaValidator } | { ok: false; error: string };

type Dialect = 'draft-07' | '2019-09' | '2020-12';

/*
 * ajv is loaded on the first `json-schema` assertion (never on a run without one), and each schema is
 * compiled once: looked up by object identity first (a case's spec object is reused by every attempt),
 * then by its JSON text (identical schemas across cases share one validator).
 */
type Compiler = Pick<Ajv, 'compile'>;
const instances = new Map<Dialect, Compiler>();
let ajvClasses: { Ajv: typeof Ajv; Ajv2019: typeof Ajv2019; Ajv2020: typeof Ajv2020 } | undefined;
let loading: Promise<void> | undefined;
const byObject = new WeakMap<object, CompiledSchema>();
const byText = new Map<string, CompiledSchema>();

/** Loads ajv. Resolves at once when it is already loaded. */
export function loadAjv(): Promise<void> {
  return (loading ??= Promise.all([import('ajv'), import('ajv/dist/2019.js'), import('ajv/dist/2020.js')]).then(
    ([draft07, v2019, v2020]) => {
      ajvClasses = { Ajv: draft07.Ajv, Ajv2019: v2019.Ajv2019, Ajv2020: v2020.Ajv2020 };
    },
  ));
}

/** Whether `compileSchema` can run synchronously now. */
export function ajvLoaded(): boolean {
  return ajvClasses !== undefined;
}

/*
 * No ajv-formats here: a few common formats, so that `format: "email"` checks something. A format ajv does
 * not know would otherwise be ignored with a console warning; it is reported as a schema error instead.
 */
const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  time: /^\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[A-Za-z][A-Za-z\d+.-]*:[^\s]*$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
};

/** Warnings ajv logs while compiling; collected so that an ignored format becomes an error, not noise. */
let warnings: string[] = [];

function instance(dialect: Dialect, fresh = false): Compiler {
  const existing = fresh ? undefined : instances.get(dialect);
  if (existing) return existing;
  const classes = ajvClasses!;
  const options: Options = {
    allErrors: true,
    strict: false,
    formats: FORMATS,
    logger: { log() {}, warn: (...args: unknown[]) => void warnings.push(args.join(' ')), error: console.error },
  };
  const ajv =
    dialect === '2020-12'
      ? new classes.Ajv2020(options)
      : dialect === '2019-09'
        ? new classes.Ajv2019(options)
        : new classes.Ajv(options);
  if (!fresh) instances.set(dialect, ajv);
  return ajv;
}

function dialectOf(schema: Json): Dialect | { error: string } {
  const declared = typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? schema.$schema : undefined;
  if (typeof declared !== 'string') return 'draft-07';
  if (declared.includes('2020-12')) return '2020-12';
  if (declared.includes('2019-09')) return '2019-09';
  if (declared.includes('draft-07') || declared.includes('draft-06')) return 'draft-07';
  return { error: `$schema ${JSON.stringify(declared)} is not supported; use draft-07, 2019-09 or 2020-12` };
}

/**
 * The validator for `schema`, compiled on first use. Needs `loadAjv()` to have resolved.
 * A schema ajv rejects (unknown type, bad `$ref`, unknown format, …) gives `{ ok: false, error }`.
 */
export function compileSchema(schema: Json): CompiledSchema {
  const isObject = typeof schema === 'object' && schema !== null;
  const known = isObject ? byObject.get(schema) : undefined;
  if (known) return known;
  const text = JSON.stringify(schema);
  let compiled = byText.get(text);
  if (!compiled) {
    compiled = compileNow(schema);
    byText.set(text, compiled);
  }
  if (isObject) byObject.set(schema, compiled);
  return compiled;
}

function compileNow(schema: Json): CompiledSchema {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return { ok: false, error: 'a JSON schema must be an object or a boolean' };
  }
  const dialect = dialectOf(schema);
  if (typeof dialect !== 'string') return { ok: false, error: dialect.error };
  warnings = [];
  try {
    let fn;
    try {
      fn = instance(dialect).compile(schema as object);
    } catch (error) {
      // Two cases may reuse one `$id` for different schemas; compile the second on its own instance.
      if (!/already exists/.test((error as Error).message)) throw error;
      fn = instance(dialect, true).compile(schema as object);
    }
    const unknownFormat = warnings.find((w) => w.includes('unknown format'));
    if (unknownFormat) return { ok: false, error: `${unknownFormat}; known formats: ${Object.keys(FORMATS).join(', ')}` };
    const validate = fn;
    return { ok: true, validate: (value) => (validate(value) ? [] : (validate.errors ?? [])) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
