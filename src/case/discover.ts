import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Case files by default: everything under `suites/`. */
export const DEFAULT_CASE_PATTERNS = ['suites/**/*.case.json', 'suites/**/*.case.yaml', 'suites/**/*.case.yml'];

const CASE_FILE = /\.case\.(json|ya?ml)$/;
/** `dir/**\/*.suffix`: the shape almost every case glob has, answered without a glob engine. */
const SIMPLE_RECURSIVE = /^((?:[\w@.-]+\/)*[\w@.-]+)\/\*\*\/\*(\.[\w.-]+)$/;

/**
 * Finds case files. Arguments may be files, folders (searched for `*.case.json|yaml`) or globs. The common
 * `dir/**\/*.ext` shape is listed with one recursive `readdirSync` (about 30 ms for 5,000 files); anything
 * else goes to globby, loaded only then, because importing it costs about 100 ms at start-up.
 * Returns absolute paths, sorted, without duplicates.
 */
export async function discoverCaseFiles(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  const globs: string[] = [];
  // Suffixes wanted per folder, so `suites/**/*.case.json` and `suites/**/*.case.yaml` walk `suites/` once.
  const walks = new Map<string, string[]>();
  for (const raw of patterns) {
    const pattern = raw.replace(/\\/g, '/').replace(/^\.\//, '');
    const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
    if (!/[*?[\]{}!]/.test(pattern) && existsSync(absolute)) {
      if (statSync(absolute).isDirectory()) listRecursive(absolute, CASE_FILE, found);
      else found.add(absolute);
      continue;
    }
    const simple = SIMPLE_RECURSIVE.exec(pattern);
    if (simple && !isAbsolute(pattern)) {
      const dir = resolve(cwd, simple[1]!);
      walks.set(dir, [...(walks.get(dir) ?? []), simple[2]!]);
      continue;
    }
    globs.push(pattern);
  }
  for (const [dir, suffixes] of walks) {
    if (existsSync(dir)) listRecursive(dir, new RegExp(`(?:${suffixes.map(escapeRegExp).join('|')})$`), found);
  }
  if (globs.length > 0) {
    const { globby } = await import('globby');
    for (const file of await globby(globs, { cwd, absolute: true, ignore: ['**/node_modules/**'] })) found.add(resolve(file));
  }
  return [...found].sort();
}

/**
 * A walk with one `readdir` per folder (file types included). Node 20's `readdirSync({ recursive: true })`
 * stats every entry and costs ~25x more on a 5,000-file suite.
 */
function listRecursive(dir: string, suffix: RegExp, into: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (entry.isDirectory()) {
      if (name !== 'node_modules' && !name.startsWith('.')) listRecursive(dir + sep + name, suffix, into);
    } else if (suffix.test(name) && (entry.isFile() || entry.isSymbolicLink())) {
      into.add(dir + sep + name);
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The suite a case belongs to: the folder it sits in. */
export function suiteOf(file: string): string {
  const end = file.lastIndexOf(sep);
  return file.slice(file.lastIndexOf(sep, end - 1) + 1, end);
}

/** Path relative to `cwd` with forward slashes, as reports show it (files outside `cwd` keep their absolute path). */
export function displayPath(file: string, cwd: string): string {
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  // The common case, a file under cwd, needs no path arithmetic: this runs once per case.
  const rel = file.startsWith(prefix) ? file.slice(prefix.length) : relative(cwd, file);
  const shown = rel.startsWith('..') ? file : rel;
  return sep === '/' ? shown : shown.split(sep).join('/');
}
