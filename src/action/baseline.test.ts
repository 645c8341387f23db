import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareRuns } from '../compare/index.js';
import { createTwoCommitRepo, type TwoCommitRepo } from '../../test/action/fixture-repo.js';
import { runBaseSide } from './baseline.js';
import { findRehearseCli, runSuite, spawnCommand, type CommandRunner } from './run-suite.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The real runner, quiet, keeping a list of what ran. */
function recordingRunner(calls: string[]): CommandRunner {
  return (command, args, options) => {
    calls.push([command.endsWith('node') || command === process.execPath ? 'node' : command, ...args].join(' '));
    return spawnCommand(command, args, { ...options, echo: false });
  };
}

async function headAndBase(repo: TwoCommitRepo, calls: string[]) {
  const tempDir = mkdtempSync(join(tmpdir(), 'rehearse-base-tmp-'));
  made.push(dirname(repo.origin), tempDir);
  const runner = recordingRunner(calls);
  const cli = findRehearseCli(repo.checkout);
  const head = await runSuite({ cases: [], cli, cwd: repo.checkout, out: join(tempDir, 'head.json'), runner, side: 'head' });
  const logs: string[] = [];
  const base = await runBaseSide({
    cases: [],
    repoRoot: repo.checkout,
    workingDirectory: '',
    baseSha: repo.baseSha,
    headResults: head.results,
    cli,
    tempDir,
    runner,
    log: (line) => logs.push(line),
  });
  return { head, base, tempDir, logs };
}

describe('runBaseSide with a real git repository', { timeout: 90_000 }, () => {
  it('runs the head cases on the base commit: fixed, regressed, and a case the PR adds judged against the old code', async () => {
    const repo = createTwoCommitRepo();
    const calls: string[] = [];
    const { head, base, tempDir, logs } = await headAndBase(repo, calls);

    const verdicts = Object.fromEntries(compareRuns(head.results, base.results).cases.map((c) => [c.key, c.verdict]));
    expect(verdicts).toEqual({ 'demo/refund': 'fixed', 'demo/greet': 'regressed', 'demo/status': 'passing', 'demo/cancel': 'fixed' });
    expect(base.results.cases.map((c) => [c.key, c.status]).sort()).toEqual([
      ['demo/cancel', 'failed'],
      ['demo/greet', 'passed'],
      ['demo/refund', 'failed'],
      ['demo/status', 'passed'],
    ]);

    // The shallow clone lacked the base commit, so it was fetched; the identical lockfile let the head's install serve.
    expect(calls).toContain(`git fetch --no-tags --depth=1 origin ${repo.baseSha}`);
    expect(base.timings.install).toBe('reused head node_modules');
    // Linking skips the package's own build (prepare), which the base agent needs: it is run instead of npm ci.
    expect(calls.filter((c) => c.startsWith('npm '))).toEqual(['npm run prepare']);
    expect(logs).toContain("Ran the base's prepare script (linking node_modules skips it).");
    expect(logs).toContain('Copied 4 case file(s) from the head into the base worktree.');
    for (const ms of [base.timings.checkoutMs, base.timings.installMs, base.timings.runMs]) expect(ms).toBeGreaterThanOrEqual(0);

    // The worktree is gone and git no longer lists it; the head checkout is untouched.
    expect(readdirSync(tempDir).filter((n) => n.startsWith('rehearse-base-') && !n.endsWith('.json'))).toEqual([]);
    expect(execFileSync('git', ['worktree', 'list'], { cwd: repo.checkout, encoding: 'utf8' }).trim().split('\n')).toHaveLength(1);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: repo.checkout, encoding: 'utf8' })).toBe('');
  });

  it('installs the base with npm ci when its lockfile differs from the head', async () => {
    const repo = createTwoCommitRepo({ lockfileChanges: true });
    const calls: string[] = [];
    const { base } = await headAndBase(repo, calls);
    expect(base.timings.install).toBe('npm ci');
    expect(calls).toContain('npm ci --no-audit --no-fund');
    expect(base.results.cases).toHaveLength(4);
  });

  it("falls back to the head's node_modules when npm ci refuses the base's lockfile, and logs why", async () => {
    const repo = createTwoCommitRepo({ baseLockOutOfSync: true });
    const calls: string[] = [];
    const { head, base, logs } = await headAndBase(repo, calls);
    expect(calls).toContain('npm ci --no-audit --no-fund');
    expect(base.timings.install).toBe("head's node_modules (npm ci failed)");
    const warning = logs.find((l) => l.startsWith('npm ci in the base worktree failed'));
    expect(warning).toMatch(/npm error.*in sync/);
    expect(warning).not.toMatch(/--dry-run/);
    expect(compareRuns(head.results, base.results).counts).toMatchObject({ fixed: 2, regressed: 1, passing: 1 });
  });

  it('removes the worktree even when the base run fails, and says which side failed', async () => {
    const repo = createTwoCommitRepo();
    made.push(dirname(repo.origin));
    const tempDir = mkdtempSync(join(tmpdir(), 'rehearse-base-tmp-'));
    made.push(tempDir);
    const runner = recordingRunner([]);
    const cli = findRehearseCli(repo.checkout);
    const head = await runSuite({ cases: [], cli, cwd: repo.checkout, out: join(tempDir, 'head.json'), runner, side: 'head' });
    await expect(
      runBaseSide({ cases: [], config: 'missing.config.json', repoRoot: repo.checkout, workingDirectory: '', baseSha: repo.baseSha, headResults: head.results, cli, tempDir, runner, log: () => {} }),
    ).rejects.toThrow(/^rehearse run on the base \(in .*rehearse-base-[0-9a-f]{12}\) exited with \d+/);
    expect(existsSync(join(tempDir, `rehearse-base-${repo.baseSha.slice(0, 12)}`))).toBe(false);
  });
});
