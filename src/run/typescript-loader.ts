import { register } from 'node:module';
import { join } from 'node:path';

let registered = false;

/** True when importing `path` needs the TypeScript hooks. */
export function needsTypeScript(path: string): boolean {
  return /\.(ts|mts|cts|tsx)$/.test(path);
}

/**
 * Registers the TypeScript loader hooks for this thread (once). The hooks module sits beside the built
 * CLI; its transpile cache lives under `node_modules/.cache/rehearse/ts` of the working directory, where
 * tools conventionally keep caches that a clean install may drop.
 */
export function registerTypeScriptLoader(cwd: string, hooksUrl: URL): void {
  if (registered) return;
  registered = true;
  process.setSourceMapsEnabled(true);
  register(hooksUrl, { data: { cacheDir: join(cwd, 'node_modules', '.cache', 'rehearse', 'ts') } });
}
