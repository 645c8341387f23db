import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { RunResults } from '../model/result.js';
import { runSuite, suiteArgsOf, type CommandRunner, type SuiteArgs } from './run-suite.js';

/** How the base side got its dependencies. */
export type InstallKind = 'reused head node_modules' | 'npm ci' | "head's node_modules (npm ci failed)" | 'none';

/** Where the time went on the base side (all in ms). */
export interface BaseTimings {
  checkoutMs: number;
  installMs: number;
  runMs: number;
  install: InstallKind;
}

export interface BaseRunOptions extends SuiteArgs {
  /** Top of the head checkout (`git rev-parse --show-toplevel`). */
  repoRoot: string;
  /** The suite's directory, relative to `repoRoot` (the `working-directory` input). */
  workingDirectory: string;
  /** The pull request's base commit. */
  baseSha: string;
  /** The head run's results: the case files they name are copied over the base's. */
  headResults: RunResults;
  /** The rehearse CLI to run (the head's, so only the agent code differs between the sides). */
  cli: string;
  /** A scratch directory for the worktree and the results (`RUNNER_TEMP` on a runner). */
  tempDir: string;
  runner: CommandRunner;
  log: (line: string) => void;
  /** Results file to write (absolute). @default `<tempDir>/rehearse-base-results.json` */
  out?: string;
}

/** Lockfiles checked, in order, to decide whether the head's install can be reused. */
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/**
 * Runs the head's cases against the pull request's base commit:
 * 1. a detached git worktree of the base SHA (fetched first when a shallow checkout lacks it);
 * 2. its dependencies: the head's `node_modules` linked in when the lockfiles are identical, else `npm ci`;
 * 3. the head's case files copied over the base's, so a case the PR adds is checked against the old code
 *    ("fails on base, passes on head" is then a verified fix);
 * 4. the suite, with the head's CLI, from the worktree (so the base's agent code is what runs);
 * 5. the worktree removed, whatever happened.
 */
export async function runBaseSide(options: BaseRunOptions): Promise<{ results: RunResults; resultsPath: string; timings: BaseTimings }> {
  const { repoRoot, baseSha, runner, log } = options;
  const git = async (...args: string[]) => {
    const r = await runner('git', args, { cwd: repoRoot, echo: false });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} (in ${repoRoot}) failed: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim();
  };
  const worktree = join(options.tempDir, `rehearse-base-${baseSha.slice(0, 12)}`);
  const started = performance.now();

  const present = await runner('git', ['cat-file', '-e', `${baseSha}^{commit}`], { cwd: repoRoot, echo: false });
  if (present.code !== 0) {
    log(`Base commit ${baseSha.slice(0, 12)} is not in this checkout; fetching it.`);
    await git('fetch', '--no-tags', '--depth=1', 'origin', baseSha);
  }
  // A run that died before its cleanup leaves the folder, or git's record of it; clear both first.
  rmSync(worktree, { recursive: true, force: true });
  await git('worktree', 'prune');
  await git('worktree', 'add', '--detach', worktree, baseSha);
  const checkoutMs = performance.now() - started;

  try {
    const installStarted = performance.now();
    const install = await installDependencies(options, worktree);
    const installMs = performance.now() - installStarted;
    log(`Base dependencies: ${install} in ${seconds(installMs)}.`);

    const baseCwd = join(worktree, options.workingDirectory);
    const headCwd = join(repoRoot, options.workingDirectory);
    const copied = copyCaseFiles(options.headResults, repoRoot, headCwd, worktree);
    log(`Copied ${copied} case file(s) from the head into the base worktree.`);

    const resultsPath = options.out ?? join(options.tempDir, 'rehearse-base-results.json');
    // The CLI records GITHUB_SHA as the run's commit when it is set (the head's, on a runner): name the base's.
    const env = { ...process.env, GITHUB_SHA: baseSha };
    const run = await runSuite({ ...suiteArgsOf(options), cli: options.cli, cwd: baseCwd, out: resultsPath, runner, side: 'base', env });
    return { results: run.results, resultsPath, timings: { checkoutMs, installMs, runMs: run.durationMs, install } };
  } finally {
    const removed = await runner('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, echo: false });
    if (removed.code !== 0) {
      rmSync(worktree, { recursive: true, force: true });
      await runner('git', ['worktree', 'prune'], { cwd: repoRoot, echo: false });
    }
  }
}

/**
 * Gives the worktree dependencies. Looks for the lockfile from the working directory up to the repo root
 * (monorepos keep it at the top). Same lockfile as the head: link the head's `node_modules` folders (free).
 * Different `package-lock.json`: `npm ci`. No lockfile or no package.json: nothing to install.
 */
async function installDependencies(options: BaseRunOptions, worktree: string): Promise<InstallKind> {
  const dirs = ancestorsWithin(options.workingDirectory);
  for (const dir of dirs) {
    for (const name of LOCKFILES) {
      const headLock = join(options.repoRoot, dir, name);
      if (!existsSync(headLock)) continue;
      const baseLock = join(worktree, dir, name);
      if (existsSync(baseLock) && readFileSync(baseLock).equals(readFileSync(headLock)) && linkModules(options, worktree, dirs)) {
        await runPrepare(options, join(worktree, dir));
        return 'reused head node_modules';
      }
      if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') {
        if (!existsSync(baseLock)) break;
        const r = await options.runner(npmCommand(), ['ci', '--no-audit', '--no-fund'], { cwd: join(worktree, dir) });
        if (r.code === 0) return 'npm ci';
        // A base whose lockfile is out of step with its package.json cannot be installed as it was; the head's
        // dependencies usually still run the old code, which beats having no base at all. Said in the log.
        options.log(`npm ci in the base worktree failed, so the head's node_modules is used there:\n${npmErrorSummary(r.stderr || r.stdout)}`);
        if (linkModules(options, worktree, dirs)) {
          await runPrepare(options, join(worktree, dir));
          return "head's node_modules (npm ci failed)";
        }
        throw new Error(`npm ci in the base worktree (${join(worktree, dir)}) failed:\n${npmErrorSummary(r.stderr || r.stdout)}`);
      }
      options.log(`The base's ${name} differs from the head's; only npm lockfiles are installed automatically, so the head's node_modules is linked instead.`);
      if (!linkModules(options, worktree, dirs)) return 'none';
      await runPrepare(options, join(worktree, dir));
      return 'reused head node_modules';
    }
  }
  return 'none';
}

/**
 * `npm ci` runs the package's own `prepare` script (often its build: TypeScript to dist/, generated code);
 * linking node_modules skips it, so run it, or base code that imports its own build output cannot load.
 */
async function runPrepare(options: BaseRunOptions, dir: string): Promise<void> {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return;
  const scripts = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }).scripts;
  if (!scripts?.['prepare']) return;
  const r = await options.runner(npmCommand(), ['run', 'prepare'], { cwd: dir });
  if (r.code !== 0) throw new Error(`npm run prepare in the base worktree (${dir}) failed:\n${npmErrorSummary(r.stderr || r.stdout)}`);
  options.log("Ran the base's prepare script (linking node_modules skips it).");
}

/** Links each head `node_modules` (working directory and the folders above it) into the worktree. */
function linkModules(options: BaseRunOptions, worktree: string, dirs: string[]): boolean {
  let linked = false;
  for (const d of dirs) {
    const headModules = join(options.repoRoot, d, 'node_modules');
    const baseModules = join(worktree, d, 'node_modules');
    if (existsSync(headModules) && !existsSync(baseModules) && existsSync(dirname(baseModules))) {
      symlinkSync(headModules, baseModules, 'junction');
      linked = true;
    }
  }
  return linked;
}

/** `a/b/c` → `['a/b/c', 'a/b', 'a', '']`: the working directory and each folder above it, up to the root. */
function ancestorsWithin(workingDirectory: string): string[] {
  const parts = workingDirectory.split(/[\\/]/).filter((p) => p && p !== '.');
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Copies every case file the head run saw to the same place in the worktree. Paths in results are relative to
 * the working directory and may climb above it (a config with `../../suites/**`), so they are placed by their
 * path from the repository root; files outside the repository are left alone.
 */
function copyCaseFiles(head: RunResults, repoRoot: string, headCwd: string, worktree: string): number {
  let copied = 0;
  for (const result of head.cases) {
    const from = resolve(headCwd, result.file);
    const fromRoot = relative(repoRoot, from);
    if (fromRoot.startsWith('..') || isAbsolute(fromRoot) || !existsSync(from)) continue;
    const to = join(worktree, fromRoot);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
    copied++;
  }
  return copied;
}

/** The lines of npm's output that say what went wrong (npm follows them with the whole usage text). */
export function npmErrorSummary(output: string): string {
  const lines = output.split('\n').filter((l) => /^npm (error|ERR!)\s*\S/.test(l) && !/^npm (error|ERR!)\s+(-|A complete log)/.test(l));
  return lines.slice(0, 6).join('\n') || output.trim().split('\n').slice(-6).join('\n');
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
