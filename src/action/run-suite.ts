import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { RunResults } from '../model/result.js';
import { readResults } from '../report/results-file.js';

/** What a finished command reports. `code` is null when a signal ended it. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CommandOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Copy the command's output to this process's stdout/stderr as it comes (the job log). @default true */
  echo?: boolean;
}

/** Runs a program and resolves when it exits (never rejects on a non-zero exit). Injectable so tests can watch calls. */
export type CommandRunner = (command: string, args: string[], options: CommandOptions) => Promise<CommandResult>;

/** Keeps the last part of a long output: enough for an error message, bounded for a chatty suite. */
const KEEP_CHARS = 64 * 1024;

/** The real `CommandRunner`: `spawn` without a shell, output echoed to the log and kept (tail) for messages. */
export const spawnCommand: CommandRunner = (command, args, options) =>
  new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const echo = options.echo ?? true;
    child.stdout.on('data', (chunk: Buffer) => {
      if (echo) process.stdout.write(chunk);
      stdout = (stdout + chunk.toString('utf8')).slice(-KEEP_CHARS);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (echo) process.stderr.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-KEEP_CHARS);
    });
    child.on('error', (error) => reject(new Error(`Could not start ${command} in ${options.cwd}: ${error.message}`, { cause: error })));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, durationMs: performance.now() - started }));
  });

/**
 * The `rehearse` CLI installed for the project in `dir` (its `node_modules/rehearse`, or the package itself
 * when `dir` is inside rehearse's own repository), as an absolute path to its `bin` script.
 */
export function findRehearseCli(dir: string): string {
  const require = createRequire(join(resolve(dir), 'noop.js'));
  let manifestPath: string;
  try {
    manifestPath = require.resolve('rehearse/package.json');
  } catch (error) {
    throw new Error(
      `rehearse is not installed in ${dir}: add it to the project (npm install --save-dev rehearse) and install dependencies ` +
        `(npm ci) in a step before this action`,
      { cause: error },
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.['rehearse'];
  if (!bin) throw new Error(`${manifestPath} names no "rehearse" bin; reinstall rehearse`);
  return join(dirname(manifestPath), bin);
}

/** What selects and shapes a run: the same for the head and the base side. */
export interface SuiteArgs {
  config?: string;
  cases: string[];
  repeat?: number;
  concurrency?: number;
  /** `i/n`: run only this shard of the case files (the same split on the head and the base). */
  shard?: string;
}

/** The `SuiteArgs` fields of `source` that are set (so `exactOptionalPropertyTypes`-style spreads stay clean). */
export function suiteArgsOf(source: SuiteArgs): SuiteArgs {
  const args: SuiteArgs = { cases: source.cases };
  if (source.config !== undefined) args.config = source.config;
  if (source.repeat !== undefined) args.repeat = source.repeat;
  if (source.concurrency !== undefined) args.concurrency = source.concurrency;
  if (source.shard !== undefined) args.shard = source.shard;
  return args;
}

/** `rehearse run` arguments for one side. `--fail-on never`: the Action decides failure after comparing. */
export function cliRunArgs(args: SuiteArgs, out: string): string[] {
  const argv = ['run', ...args.cases];
  if (args.config) argv.push('--config', args.config);
  argv.push('--out', out, '--fail-on', 'never');
  if (args.repeat !== undefined) argv.push('--repeat', String(args.repeat));
  if (args.concurrency !== undefined) argv.push('--concurrency', String(args.concurrency));
  if (args.shard !== undefined) argv.push('--shard', args.shard);
  return argv;
}

export interface RunSuiteOptions extends SuiteArgs {
  /** Absolute path of the rehearse CLI script. */
  cli: string;
  /** Directory the suite runs in (config and case globs are relative to it). */
  cwd: string;
  /** Results file to write (absolute). */
  out: string;
  runner: CommandRunner;
  /** Which side this is, for messages: `head` or `base`. */
  side: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the suite with the rehearse CLI in a child process, so the agent code loaded is the one in `cwd`
 * (the base worktree's for the base side), and reads the results file it wrote.
 */
export async function runSuite(options: RunSuiteOptions): Promise<{ results: RunResults; resultsPath: string; durationMs: number }> {
  const argv = [options.cli, ...cliRunArgs(options, options.out)];
  const result = await options.runner(process.execPath, argv, { cwd: options.cwd, ...(options.env ? { env: options.env } : {}) });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`rehearse run on the ${options.side} (in ${options.cwd}) exited with ${result.code ?? 'a signal'}:\n${tail}`);
  }
  return { results: readResults(options.out), resultsPath: options.out, durationMs: result.durationMs };
}
