/**
 * Test support: copies a fixture project from test/fixtures into a fresh temp folder, as a user's project
 * would look (`node_modules/rehearse` linked to this checkout), so runs never write into the repository.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI entry (the global setup builds dist/ before any test starts). */
export const CLI = join(REPO_ROOT, 'bin/rehearse.js');
export const WORKER_URL = new URL('../../dist/worker.js', import.meta.url);

export interface FixtureDir {
  dir: string;
  remove(): void;
}

export function copyFixture(name: string): FixtureDir {
  const dir = mkdtempSync(join(tmpdir(), `rehearse-${name}-`));
  cpSync(join(REPO_ROOT, 'test/fixtures', name), dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, 'node_modules/rehearse'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
