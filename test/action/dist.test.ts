import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REHEARSE_ROOT } from './fixture-repo.js';

/*
 * The check-dist pattern: GitHub runs the committed dist/action/index.js, not src/. Rebuild into a temp
 * folder and compare, so a change to src/ without `npm run build:action` fails here and in CI.
 */
const out = mkdtempSync(join(tmpdir(), 'rehearse-dist-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).replace(/\\/g, '/'))
    .sort();
}

it('dist/action is what scripts/build-action.mjs builds from the current sources', () => {
  execFileSync(process.execPath, [join(REHEARSE_ROOT, 'scripts/build-action.mjs'), '--outdir', out, '--quiet'], { cwd: REHEARSE_ROOT });
  const committed = join(REHEARSE_ROOT, 'dist/action');
  const files = listFiles(out);
  expect(files).toContain('index.js');
  expect(files).toContain('reporters/comment.md.hbs');
  expect(listFiles(committed), 'dist/action has other files than a fresh build: run npm run build:action').toEqual(files);
  const stale = files.filter((f) => !readFileSync(join(committed, f)).equals(readFileSync(join(out, f))));
  expect(stale, 'dist/action is out of date: run `npm run build:action` and commit dist/action').toEqual([]);
});
