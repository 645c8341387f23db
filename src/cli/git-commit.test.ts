import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { readGitCommit } from './git-commit.js';

const root = mkdtempSync(join(tmpdir(), 'rehearse-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

test('reads a branch from a loose ref, from a subfolder of the repository', () => {
  write(join(root, 'loose/.git/HEAD'), 'ref: refs/heads/main\n');
  write(join(root, 'loose/.git/refs/heads/main'), `${SHA_A}\n`);
  mkdirSync(join(root, 'loose/src/deep'), { recursive: true });
  expect(readGitCommit(join(root, 'loose/src/deep'), {})).toBe(SHA_A);
});

test('reads packed refs and detached heads', () => {
  write(join(root, 'packed/.git/HEAD'), 'ref: refs/heads/feature\n');
  write(join(root, 'packed/.git/packed-refs'), `# pack-refs with: peeled\n${SHA_A} refs/heads/main\n${SHA_B} refs/heads/feature\n`);
  expect(readGitCommit(join(root, 'packed'), {})).toBe(SHA_B);
  write(join(root, 'detached/.git/HEAD'), `${SHA_B}\n`);
  expect(readGitCommit(join(root, 'detached'), {})).toBe(SHA_B);
});

test('follows a worktree .git file to its git dir and the common dir', () => {
  write(join(root, 'main/.git/refs/heads/topic'), `${SHA_A}\n`);
  write(join(root, 'main/.git/worktrees/wt/HEAD'), 'ref: refs/heads/topic\n');
  write(join(root, 'main/.git/worktrees/wt/commondir'), '../..\n');
  write(join(root, 'wt/.git'), `gitdir: ${join(root, 'main/.git/worktrees/wt')}\n`);
  expect(readGitCommit(join(root, 'wt'), {})).toBe(SHA_A);
});

test('GITHUB_SHA wins; no repository gives undefined', () => {
  expect(readGitCommit(join(root, 'loose'), { GITHUB_SHA: SHA_B })).toBe(SHA_B);
  write(join(root, 'broken/.git/HEAD'), 'ref: refs/heads/missing\n');
  expect(readGitCommit(join(root, 'broken'), {})).toBeUndefined();
});
