import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Reporter, ReporterSpec } from '../model/index.js';
import { BUILTIN_REPORTERS, type LazyReporterFactory } from './builtins.js';
import type { NamedReporter } from './multiplexer.js';

export interface ResolveReportersOptions {
  /** Module paths are relative to it (the config file's folder). */
  cwd: string;
  /** @default BUILTIN_REPORTERS */
  builtins?: Readonly<Record<string, LazyReporterFactory>>;
  /**
   * Imports a reporter module by absolute path. The default imports `.js`/`.mjs`/`.cjs` directly and
   * transpiles a `.ts`/`.mts` file (a single file: its own relative imports must be JavaScript) unless Node
   * strips types itself. The orchestrator may pass its TypeScript-aware agent loader instead.
   */
  importModule?: (absolutePath: string) => Promise<unknown>;
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * Turns the config's `reporters` list into reporters, in order. A spec is a built-in name (`'terminal'`),
 * `[nameOrPath, options]`, or a module path (`./reporters/csv.mjs`) whose default export is a factory
 * `(options) => Reporter`, a reporter class, or a reporter object.
 *
 * @example await resolveReporters(['terminal', ['junit', { outputFile: 'out/junit.xml' }], './my-reporter.mjs'], { cwd })
 */
export async function resolveReporters(specs: readonly ReporterSpec[], options: ResolveReportersOptions): Promise<NamedReporter[]> {
  const builtins = options.builtins ?? BUILTIN_REPORTERS;
  const out: NamedReporter[] = [];
  for (const [index, spec] of specs.entries()) {
    const [name, reporterOptions] = normalizeSpec(spec, index);
    const builtin = Object.hasOwn(builtins, name) ? builtins[name] : undefined;
    if (builtin) {
      const factory = await builtin();
      out.push({ name, reporter: await factory(reporterOptions) });
    } else if (isModulePath(name)) {
      out.push({ name, reporter: await loadModuleReporter(name, reporterOptions, options) });
    } else {
      throw new Error(
        `reporters[${index}]: unknown reporter "${name}". Built-in reporters: ${Object.keys(builtins).join(', ')}. ` +
          'For your own reporter, give a path to its module, like "./reporters/my-reporter.mjs".',
      );
    }
  }
  return out;
}

function normalizeSpec(spec: ReporterSpec, index: number): [string, Record<string, unknown>] {
  if (typeof spec === 'string' && spec.length > 0) return [spec, {}];
  if (Array.isArray(spec) && typeof spec[0] === 'string' && spec[0].length > 0) {
    const options = spec[1] ?? {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new Error(`reporters[${index}]: the options of "${spec[0]}" must be an object, got ${JSON.stringify(options)}`);
    }
    return [spec[0], options];
  }
  throw new Error(`reporters[${index}]: expected a reporter name, a module path, or [name, options]; got ${JSON.stringify(spec)}`);
}

function isModulePath(name: string): boolean {
  return name.startsWith('.') || name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || MODULE_EXTENSIONS.has(extname(name));
}

async function loadModuleReporter(spec: string, options: Record<string, unknown>, resolveOptions: ResolveReportersOptions): Promise<Reporter> {
  const path = resolve(resolveOptions.cwd, spec);
  let mod: unknown;
  try {
    mod = await (resolveOptions.importModule ?? importReporterModule)(path);
  } catch (error) {
    throw new Error(`reporter "${spec}": cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
  const exported = (mod as { default?: unknown } | undefined)?.default;
  let reporter: unknown;
  try {
    if (typeof exported === 'function') {
      // A class cannot be called without `new`; a factory function can be either way, so tell them apart.
      reporter = /^class[\s{]/.test(Function.prototype.toString.call(exported))
        ? new (exported as new (o: Record<string, unknown>) => Reporter)(options)
        : await (exported as (o: Record<string, unknown>) => Reporter | Promise<Reporter>)(options);
    } else {
      reporter = exported;
    }
  } catch (error) {
    throw new Error(`reporter "${spec}": its factory threw: ${(error as Error).message}`, { cause: error });
  }
  if (typeof reporter !== 'object' || reporter === null) {
    throw new Error(`reporter "${spec}": the module's default export must be a factory (options) => reporter, a class, or a reporter object with onRunStart / onCaseResult / onRunEnd`);
  }
  for (const hook of ['onRunStart', 'onCaseResult', 'onRunEnd'] as const) {
    const fn = (reporter as Record<string, unknown>)[hook];
    if (fn !== undefined && typeof fn !== 'function') throw new Error(`reporter "${spec}": ${hook} must be a function`);
  }
  return reporter as Reporter;
}

/** Default module import; see `ResolveReportersOptions.importModule`. */
export async function importReporterModule(path: string): Promise<unknown> {
  const ext = extname(path);
  const typescript = ext === '.ts' || ext === '.mts' || ext === '.cts';
  if (!typescript || (process.features as { typescript?: unknown }).typescript) return import(pathToFileURL(path).href);
  const { transformSync } = await import('esbuild');
  const source = readFileSync(path, 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', sourcefile: path, target: 'es2022' });
  // Written beside the source so its relative imports resolve as they would from the original.
  const temp = join(dirname(path), `.${basename(path, ext)}.rehearse-${process.pid}-${Date.now().toString(36)}.mjs`);
  writeFileSync(temp, code);
  try {
    return await import(pathToFileURL(temp).href);
  } finally {
    rmSync(temp, { force: true });
  }
}
