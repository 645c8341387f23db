#!/usr/bin/env node
// Bundles the GitHub Action (src/action/index.ts and everything it imports, dependencies included) into ONE
// ESM file, dist/action/index.js, for `runs.using: node24`, and copies the report templates beside it
// (dist/action/reporters/), where src/report/templates.ts looks for them. The output is committed; a test
// (test/action/dist.test.ts) rebuilds into a temp folder and fails when it differs.
//
// Usage: node scripts/build-action.mjs [--outdir DIR] [--quiet]
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outdirArg = args.indexOf('--outdir');
const outdir = outdirArg >= 0 ? resolve(args[outdirArg + 1] ?? '') : join(root, 'dist/action');
const quiet = args.includes('--quiet');
const started = performance.now();

const esbuild = await import('esbuild');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/action/index.ts'],
  outfile: join(outdir, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Deterministic output: no source maps or metafile (both would embed paths), licences kept at the end, and
  // module ids taken from the path as installed, so a symlinked node_modules builds the same bytes.
  legalComments: 'eof',
  preserveSymlinks: true,
  logLevel: 'warning',
  // Handlebars and other CommonJS dependencies call require(); an ESM bundle has none unless we make one.
  banner: { js: "import { createRequire as __actionCreateRequire } from 'node:module'; const require = __actionCreateRequire(import.meta.url);" },
});

const templates = join(outdir, 'reporters');
mkdirSync(templates, { recursive: true });
for (const name of readdirSync(join(root, 'reporters'))) {
  if (name.endsWith('.hbs')) copyFileSync(join(root, 'reporters', name), join(templates, name));
}
if (!quiet) console.log(`built ${join(outdir, 'index.js')} in ${Math.round(performance.now() - started)} ms`);
