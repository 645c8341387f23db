import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelperOptions } from 'handlebars';
import { codeFence, escapeHtml, escapeInline, inlineCode } from './escape.js';
import type { ReportView } from './view-model.js';

/*
 * The one place Handlebars is configured. It is imported lazily (about 11 ms), so a run that reports only
 * to the terminal never loads it. Helpers do all escaping of untrusted text and return SafeStrings; the
 * templates therefore use `{{md x}}` (Markdown), `{{html x}}` (inside HTML blocks such as `<summary>`), `{{code x}}`, `{{fence x "lang"}}`, `{{link text url}}`,
 * `{{mermaid x}}`, and triple-stash only for the marker, which is validated here.
 */

type HandlebarsEnv = typeof import('handlebars');
export type CompiledReport = (view: ReportView) => string;

let envPromise: Promise<HandlebarsEnv> | undefined;
const compiled = new Map<string, Promise<CompiledReport>>();

/** `reporters/` of this package, found by walking up from this module (the layout differs in src/ and dist/). */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'reporters');
    if (existsSync(join(candidate, 'comment.md.hbs'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`rehearse: cannot find the built-in templates (reporters/comment.md.hbs) above ${fileURLToPath(import.meta.url)}; reinstall rehearse or pass a "template" option`);
}

/**
 * Compiles a report template with the escaping helpers and the partials of the built-in `reporters/`
 * folder, overridden by any `*.hbs` partials beside a user's own template. Cached per path.
 */
export function loadReportTemplate(templatePath: string): Promise<CompiledReport> {
  const path = resolve(templatePath);
  let entry = compiled.get(path);
  if (!entry) {
    entry = compileReportTemplate(path);
    compiled.set(path, entry);
    entry.catch(() => compiled.delete(path));
  }
  return entry;
}

async function compileReportTemplate(path: string): Promise<CompiledReport> {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the report template (${(error as Error).message}); check the reporter's "template" option`, { cause: error });
  }
  const hb = await handlebars();
  // Compiled once here: partials passed as source strings would be re-parsed on every render.
  const partials: Record<string, HandlebarsTemplateDelegate> = {};
  for (const dir of new Set([builtinTemplatesDir(), dirname(path)])) {
    for (const name of readdirSync(dir)) {
      // Whole templates end in `.md.hbs`; every other `.hbs` is a partial named after its file.
      if (!name.endsWith('.hbs') || name.endsWith('.md.hbs')) continue;
      const file = join(dir, name);
      partials[basename(name, '.hbs')] = compileChecked(hb, readFileSync(file, 'utf8'), file, 'partial');
    }
  }
  const template = compileChecked(hb, source, path, 'report template');
  return (view) => template(view, { partials });
}

/** Compiles now (Handlebars compiles lazily, on first render), so a syntax error names its file up front. */
function compileChecked(hb: HandlebarsEnv, source: string, file: string, what: string): HandlebarsTemplateDelegate {
  try {
    return hb.compile(hb.parse(source), { preventIndent: true });
  } catch (error) {
    throw new Error(`${file}: the ${what} does not compile: ${(error as Error).message}`, { cause: error });
  }
}

async function handlebars(): Promise<HandlebarsEnv> {
  envPromise ??= import('handlebars').then((mod) => {
    const hb = (mod.default ?? mod).create();
    registerHelpers(hb);
    return hb;
  });
  return envPromise;
}

/** A helper's last argument is Handlebars' options object; this tells a real argument from it. */
function arg(value: unknown): string {
  if (value === undefined || value === null || isOptions(value)) return '';
  return String(value);
}

function isOptions(value: unknown): value is HelperOptions {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

function registerHelpers(hb: HandlebarsEnv): void {
  const safe = (s: string) => new hb.SafeString(s);
  hb.registerHelper('md', (text: unknown) => safe(escapeInline(arg(text))));
  hb.registerHelper('html', (text: unknown) => safe(escapeHtml(arg(text))));
  hb.registerHelper('code', (text: unknown) => safe(inlineCode(arg(text))));
  hb.registerHelper('fence', (content: unknown, language: unknown) => safe(codeFence(arg(content), arg(language))));
  hb.registerHelper('mermaid', (source: unknown) => safe(codeFence(arg(source), 'mermaid')));
  hb.registerHelper('link', (text: unknown, url: unknown) => {
    const label = escapeInline(arg(text));
    const href = arg(url);
    // Only URLs the view model built (percent-encoded, http(s)) become links.
    return safe(/^https?:\/\/[^\s<>()]+$/.test(href) ? `[${label}](${href})` : label);
  });
  hb.registerHelper('plural', (n: unknown, singular: unknown, plural: unknown) =>
    Number(n) === 1 ? arg(singular) : arg(plural) || `${arg(singular)}s`,
  );
  hb.registerHelper('lines', (list: unknown) => (Array.isArray(list) ? list.map(String).join('\n') : ''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
}

/**
 * A marker for the comment's first line: the default, a full `<!-- id -->` comment, or a bare id. Only word
 * characters and `: . / -` are allowed, so the option cannot smuggle markup into the comment.
 */
export function normalizeMarker(marker: string): string {
  const id = marker.startsWith('<!--') ? marker.replace(/^<!--\s*|\s*-->$/g, '') : marker;
  if (!/^[\w:./-]{1,100}$/.test(id)) {
    throw new Error(`markdown reporter: marker "${marker}" is not valid; use an id of letters, digits and ": . / -" (like "rehearse:report") or "<!-- such-an-id -->"`);
  }
  return `<!-- ${id} -->`;
}
