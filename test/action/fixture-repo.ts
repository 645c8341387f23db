import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository: linked in as the fixture's `node_modules/rehearse`, as an install would. */
export const REHEARSE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TwoCommitRepo {
  /** The origin repository (both commits). */
  origin: string;
  /** A shallow clone at the head commit with dependencies "installed", as actions/checkout + npm ci leave it. */
  checkout: string;
  baseSha: string;
  headSha: string;
}

/** The build step (`prepare`) writes the base agent's greeting, as a package's build writes its dist/. */
const PREPARE = "node -e \"require('fs').mkdirSync('generated',{recursive:true});require('fs').writeFileSync('generated/greeting.mjs','export const greeting = \\'hello\\';\\n')\"";

/*
 * The agent at each commit. Expected verdicts of the head against the base:
 * - demo/refund: wrong on base, right on head → fixed
 * - demo/greet:  right on base, wrong on head → regressed
 * - demo/status: right on both → passing
 * - demo/cancel: the case is added by the PR; the base code gets it wrong, the head right → fixed (not new)
 */
const BASE_AGENT = `import { greeting } from './generated/greeting.mjs';
export default async function agent(input) {
  if (input.q === 'refund') return 'no refund';
  if (input.q === 'greet') return greeting;
  if (input.q === 'status') return 'shipped';
  return 'unknown';
}
`;
const HEAD_AGENT = `export default async function agent(input) {
  if (input.q === 'refund') return 'refund issued';
  if (input.q === 'greet') return 'hullo';
  if (input.q === 'status') return 'shipped';
  if (input.q === 'cancel') return 'cancelled';
  return 'unknown';
}
`;

function caseFile(id: string, q: string, expected: string, captured: 'failed' | 'ok'): string {
  return `${JSON.stringify(
    {
      format: 'rehearse.case',
      version: 1,
      id,
      title: `Answers ${q}`,
      input: { q },
      timeline: [],
      outcome: { status: captured, output: captured === 'ok' ? expected : 'wrong' },
      assertions: [{ type: 'equals', value: expected }],
    },
    null,
    2,
  )}\n`;
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Builds a real git repository in a temp folder with a base commit and a head commit, and a shallow clone
 * of the head (the base commit is then missing, as after actions/checkout with its default depth of 1).
 * `lockfileChanges` makes the head's package-lock.json differ, so the base side needs its own install;
 * `baseLockOutOfSync` also gives the base a package.json its lockfile does not match, so `npm ci` refuses it.
 */
export function createTwoCommitRepo(options: { lockfileChanges?: boolean; baseLockOutOfSync?: boolean } = {}): TwoCommitRepo {
  const top = mkdtempSync(join(tmpdir(), 'rehearse-action-'));
  const origin = join(top, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'config', 'user.email', 'dev@example.com');
  git(origin, 'config', 'user.name', 'Dev');
  git(origin, 'config', 'uploadpack.allowReachableSHA1InWant', 'true');
  const lock = (version: string) =>
    `${JSON.stringify({ name: 'agent-app', version, lockfileVersion: 3, requires: true, packages: { '': { name: 'agent-app', version } } }, null, 2)}\n`;
  write(origin, {
    '.gitignore': 'node_modules/\ngenerated/\n',
    'package.json': `${JSON.stringify({ name: 'agent-app', version: '1.0.0', private: true, type: 'module', scripts: { prepare: PREPARE }, ...(options.baseLockOutOfSync ? { dependencies: { 'left-pad': '1.3.0' } } : {}) }, null, 2)}\n`,
    'package-lock.json': lock('1.0.0'),
    'rehearse.config.json': `${JSON.stringify({ agent: { module: './agent.mjs' }, cases: ['suites/**/*.case.json'] }, null, 2)}\n`,
    'agent.mjs': BASE_AGENT,
    'suites/demo/refund.case.json': caseFile('refund', 'refund', 'refund issued', 'failed'),
    'suites/demo/greet.case.json': caseFile('greet', 'greet', 'hello', 'ok'),
    'suites/demo/status.case.json': caseFile('status', 'status', 'shipped', 'ok'),
  });
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'base');
  const baseSha = git(origin, 'rev-parse', 'HEAD');

  write(origin, { 'agent.mjs': HEAD_AGENT, 'suites/demo/cancel.case.json': caseFile('cancel', 'cancel', 'cancelled', 'failed') });
  if (options.lockfileChanges || options.baseLockOutOfSync) {
    // Same dependencies, different bytes: the package version in the lockfile moved on.
    write(origin, { 'package.json': `${JSON.stringify({ name: 'agent-app', version: '1.1.0', private: true, type: 'module' }, null, 2)}\n`, 'package-lock.json': lock('1.1.0') });
  }
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'head');
  const headSha = git(origin, 'rev-parse', 'HEAD');

  const checkout = join(top, 'checkout');
  execFileSync('git', ['clone', '-q', '--depth=1', `file://${origin}`, checkout]);
  mkdirSync(join(checkout, 'node_modules'));
  symlinkSync(REHEARSE_ROOT, join(checkout, 'node_modules', 'rehearse'), 'junction');
  return { origin, checkout, baseSha, headSha };
}
