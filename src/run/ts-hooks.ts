/**
 * Module loader hooks that let `rehearse run` import a user's TypeScript agent with no build step
 * (`module.register`, Node 20.6+). Types are stripped with esbuild's transform; the output is cached on disk
 * by content hash, so a repeat run never starts esbuild (its service process costs ~50 ms). Resolution follows TypeScript's own
 * conventions: `./x.js` finds `./x.ts` when there is no `./x.js`, and extensionless relative imports find
 * `x.ts` or `x/index.ts`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null }>;
interface LoadContext {
  format?: string | null;
}
type NextLoad = (url: string, context?: LoadContext) => Promise<{ format: string; source?: string | Buffer | null; shortCircuit?: boolean }>;

interface HookData {
  cacheDir: string;
}

const TS_EXTENSION = /\.(ts|mts|cts|tsx)$/;
let cacheDir = '';

export function initialize(data: HookData | undefined): void {
  cacheDir = data?.cacheDir ?? '';
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<{ url: string; format?: string | null; shortCircuit?: boolean }> {
  const parent = context.parentURL;
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('file:') || specifier.startsWith('/');
  if (relative && parent?.startsWith('file:')) {
    const candidate = typeScriptCandidate(specifier, parent);
    if (candidate) return { url: candidate, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<{ format: string; source?: string | Buffer | null; shortCircuit?: boolean }> {
  if (!url.startsWith('file:') || !TS_EXTENSION.test(new URL(url).pathname)) return next(url, context);
  const filename = fileURLToPath(url);
  const source = readFileSync(filename, 'utf8');
  return { format: 'module', source: await transpile(filename, source), shortCircuit: true };
}

/** `./x.js` → `./x.ts` (when x.js is absent); `./x` → `./x.ts` or `./x/index.ts`. */
function typeScriptCandidate(specifier: string, parentURL: string): string | undefined {
  let url: URL;
  try {
    url = new URL(specifier, parentURL);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:') return undefined;
  const path = fileURLToPath(url);
  if (TS_EXTENSION.test(path)) return undefined; // explicit .ts: the default resolver finds it
  if (existsSync(path) && !path.endsWith('/')) {
    return undefined;
  }
  const swapped = path.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts').replace(/\.jsx$/, '.tsx');
  const tries = swapped !== path ? [swapped] : [`${path}.ts`, `${path}.mts`, join(path, 'index.ts')];
  for (const candidate of tries) if (existsSync(candidate)) return pathToFileURL(candidate).href;
  return undefined;
}

let transformer: typeof import('esbuild') | undefined;

async function transpile(filename: string, source: string): Promise<string> {
  const key = createHash('sha1').update(filename).update('\0').update(source).digest('hex');
  const cached = cacheDir ? join(cacheDir, `${key}.js`) : '';
  if (cached) {
    try {
      return readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
  }
  transformer ??= await import('esbuild');
  let code: string;
  try {
    code = transformer.transformSync(source, {
      loader: filename.endsWith('x') ? 'tsx' : 'ts',
      format: 'esm',
      target: 'es2022',
      sourcefile: pathToFileURL(filename).href,
      sourcemap: 'inline',
    }).code;
  } catch (error) {
    throw new SyntaxError(`${filename}: ${(error as Error).message}`, { cause: error });
  }
  if (cached) {
    try {
      mkdirSync(cacheDir, { recursive: true });
      const temp = `${cached}.${process.pid}.tmp`;
      writeFileSync(temp, code);
      renameSync(temp, cached);
    } catch {
      // A read-only or full disk only costs the next run a transform.
    }
  }
  return code;
}
