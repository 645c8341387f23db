import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A loaded module's namespace, or why it could not be loaded. */
export type LoadedModule = { ok: true; namespace: Record<string, unknown> } | { ok: false; error: string };

/*
 * Every attempt of every case that names a check module would import it again; Node caches modules too,
 * but a settled entry here lets a loaded module be used synchronously, with no promise per assertion.
 * Failures are kept as well: a missing file stays missing for the rest of the run.
 */
const settled = new Map<string, LoadedModule>();
const pending = new Map<string, Promise<LoadedModule>>();

/**
 * The absolute path of a custom assertion module: `specifier` as is when absolute (or a `file:` URL),
 * otherwise resolved from the directory of the case file that names it.
 */
export function resolveCustomModule(specifier: string, caseFile: string): string {
  if (specifier.startsWith('file:')) return fileURLToPath(specifier);
  return isAbsolute(specifier) ? specifier : resolve(dirname(caseFile), specifier);
}

/** The module at `path`, from the cache when it has been loaded, else a promise of it. */
export function loadCustomModule(path: string): LoadedModule | Promise<LoadedModule> {
  const done = settled.get(path);
  if (done) return done;
  let loading = pending.get(path);
  if (!loading) {
    loading = import(pathToFileURL(path).href).then(
      (namespace: Record<string, unknown>): LoadedModule => ({ ok: true, namespace }),
      (error: unknown): LoadedModule => ({ ok: false, error: explainImportError(path, error) }),
    );
    loading = loading.then((result) => {
      settled.set(path, result);
      pending.delete(path);
      return result;
    });
    pending.set(path, loading);
  }
  return loading;
}

function explainImportError(path: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_MODULE_NOT_FOUND' && message.includes(path)) {
    return `cannot load ${path}: file not found (a relative \`module\` is resolved from the case file's directory)`;
  }
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
    return `cannot load ${path}: no TypeScript loader is registered in this process (Node before 22.6 cannot import .ts by itself); point \`module\` at a .js/.mjs file, or run on a Node that strips types`;
  }
  return `cannot load ${path}: ${message}`;
}
