import type { ReporterFactory } from '../model/index.js';

/** A built-in reporter, loaded only when a config names it (so `terminal` alone never loads Handlebars). */
export type LazyReporterFactory = () => Promise<ReporterFactory>;

const factory = <T>(load: () => Promise<{ default: (options: T) => ReturnType<ReporterFactory> }>): LazyReporterFactory => async () => {
  const mod = await load();
  return mod.default as unknown as ReporterFactory;
};

/** Built-in reporters by name. */
export const BUILTIN_REPORTERS: Readonly<Record<string, LazyReporterFactory>> = {
  terminal: factory(() => import('./terminal.js')),
  markdown: factory(() => import('./markdown.js')),
  summary: factory(() => import('./summary.js')),
  junit: factory(() => import('./junit.js')),
  json: factory(() => import('./json.js')),
};
