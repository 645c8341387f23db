import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Comparison } from '../model/comparison.js';
import type { FailOn, ReporterSpec } from '../model/config.js';
import type { RunResults } from '../model/result.js';
import { compareRuns } from '../compare/compare.js';
import { exitCodeFor } from '../compare/outcome.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createReporterMultiplexer, type ReporterMultiplexer } from '../report/multiplexer.js';
import { resolveReporters } from '../report/resolve.js';
import { copyResultsFile, readResults } from '../report/results-file.js';
import { registerTypeScriptLoader } from '../run/typescript-loader.js';
import { runSuite } from '../run/run-suite.js';
import { PrestartedWorker } from '../run/case-worker.js';
import { parseCliArgs, type CliArgs } from './args.js';
import { readGitCommit } from './git-commit.js';
import { runGroupFor, shardPlanFor } from './shard-options.js';
import { HELP } from './help.js';
import { EXTRA_COMMANDS } from './commands.js';
import { UsageError } from './usage-error.js';

/** Where the built pieces the CLI starts live (beside the CLI bundle). */
export interface CliAssets {
  workerUrl: URL;
  tsHooksUrl: URL;
  version: string;
  /** `rehearse run`'s case worker, when the entry point started it early; `main` starts one otherwise. */
  prestartedWorker?: PrestartedWorker;
}

export interface CliIo {
  cwd: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

const DEFAULT_OUT = 'rehearse-results.json';
const DEFAULT_BASELINE = '.rehearse/baseline.json';

/** Runs one CLI invocation and returns its exit code: 0 ok, 1 regressed/errored (per --fail-on), 2 usage or config error. */
export async function main(argv: readonly string[], assets: CliAssets, io: CliIo): Promise<number> {
  const extra = argv[0] !== undefined ? EXTRA_COMMANDS[argv[0]] : undefined;
  if (extra) {
    try {
      return await (await extra.load()).run(argv.slice(1), io, assets);
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError || isResultsFileError(error)) {
        io.stderr.write(`rehearse: ${(error as Error).message}\n`);
        return 2;
      }
      throw error;
    }
  }
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`rehearse: ${(error as Error).message}\nRun "rehearse --help" for usage.\n`);
    return 2;
  }
  try {
    switch (args.command) {
      case 'help':
        io.stdout.write(HELP.replace('\nExit codes', `\nOther commands (each has --help):\n${Object.entries(EXTRA_COMMANDS).map(([name, c]) => `  rehearse ${name.padEnd(22)} ${c.summary}\n`).join('')}\nExit codes`));
        return 0;
      case 'version':
        io.stdout.write(`${assets.version}\n`);
        return 0;
      case 'run':
        return await runCommand(args, assets, io);
      case 'compare':
        return await compareCommand(args, io);
      case 'report':
        return await reportCommand(args, io);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError || isResultsFileError(error)) {
      io.stderr.write(`rehearse: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

async function runCommand(args: CliArgs, assets: CliAssets, io: CliIo): Promise<number> {
  // The case worker boots while this thread reads the config, the baseline and the reporters.
  const worker = assets.prestartedWorker ?? new PrestartedWorker(assets.workerUrl);
  try {
    return await runWithWorker(args, assets, io, worker);
  } finally {
    worker.dispose();
  }
}

async function runWithWorker(args: CliArgs, assets: CliAssets, io: CliIo, prestartedWorker: PrestartedWorker): Promise<number> {
  const { cwd } = io;
  const loaded = await loadConfig(cwd, args.config, () => registerTypeScriptLoader(cwd, assets.tsHooksUrl));
  const config = loaded.config;
  // Paths from the config are relative to the config file; paths on the command line to the working directory.
  const fromConfig = (path: string | undefined, fallback: string): string => (path ? resolve(loaded.dir, path) : resolve(cwd, fallback));
  const baselinePath = args.baseline === true ? fromConfig(config.baseline, DEFAULT_BASELINE) : args.baseline && resolve(cwd, args.baseline);
  let baseline: RunResults | undefined;
  if (baselinePath) {
    if (!existsSync(baselinePath)) {
      throw new UsageError(`no baseline at ${baselinePath}: create one with "rehearse run --save-baseline" on the base branch, or pass --baseline FILE`);
    }
    baseline = readResults(baselinePath);
  }
  const reporter = await reportersFor(args, config.reporters, loaded.dir, io);
  const out = args.out ? resolve(cwd, args.out) : fromConfig(config.out, DEFAULT_OUT);
  const commit = readGitCommit(cwd);
  const onWarning = (message: string): void => void io.stderr.write(`rehearse: ${message}\n`);
  const shard = args.shard && shardPlanFor(args.shard, args.shardDurations, { cwd, configDir: loaded.dir }, onWarning);
  const runGroup = runGroupFor(args.runGroup, process.env, commit);
  const { results, comparison, interrupted } = await runSuite({
    cwd,
    config,
    agentModule: loaded.agentModule,
    patterns: args.positionals,
    configDir: loaded.dir,
    selection: { ...(args.filter && { filter: args.filter }), ...(args.tags.length > 0 && { tags: args.tags }) },
    ...(args.repeat !== undefined && { repeat: args.repeat }),
    ...(args.concurrency !== undefined && { concurrency: args.concurrency }),
    ...(baseline && { baseline }),
    ...(commit && { commit }),
    ...(args.model && { model: args.model }),
    ...(shard && { shard }),
    ...(runGroup && { runGroup }),
    out,
    reporter,
    workerUrl: assets.workerUrl,
    prestartedWorker,
    onWarning,
  });
  if (args.saveBaseline) {
    const path = args.saveBaseline === true ? fromConfig(config.baseline, DEFAULT_BASELINE) : resolve(cwd, args.saveBaseline);
    // From the results file, which holds every case in full (`results` keeps plain passes slim: see RunEndInfo).
    copyResultsFile(out, path);
    if (!args.json) io.stderr.write(`rehearse: baseline saved to ${path}\n`);
  }
  if (args.json) io.stdout.write(JSON.stringify(readResults(out), null, 2) + '\n');
  if (results.totals.cases === 0 && shard) {
    io.stderr.write(`rehearse: no cases in shard ${results.shard}: the split put every case found in other shards, or none matched --filter/--tag\n`);
  } else if (results.totals.cases === 0) {
    io.stderr.write(`rehearse: no cases found (looked for ${(args.positionals.length ? args.positionals : (config.cases ?? ['suites/**/*.case.json'])).join(', ')})\n`);
  }
  // Stopped by a signal: the partial results are written, and the exit code says how the run ended.
  if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
  return finalExitCode(comparison, args.failOn ?? config.failOn ?? 'regressed', reporter);
}

async function compareCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (!args.base || !args.head) throw new UsageError('compare needs --base FILE and --head FILE');
  const base = readResults(resolve(io.cwd, args.base));
  const head = readResults(resolve(io.cwd, args.head));
  return replayReporters(head, base, args, io);
}

async function reportCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (!args.from) throw new UsageError('report needs --from FILE (a results file written by "rehearse run")');
  const head = readResults(resolve(io.cwd, args.from));
  const baselinePath = args.baseline === true ? resolve(io.cwd, DEFAULT_BASELINE) : args.baseline && resolve(io.cwd, args.baseline);
  const base = baselinePath ? readResults(baselinePath) : undefined;
  return replayReporters(head, base, args, io);
}

/** Drives reporters from saved results exactly as a live run would: start, each case, end. */
async function replayReporters(head: RunResults, base: RunResults | undefined, args: CliArgs, io: CliIo): Promise<number> {
  const reporter = await reportersFor(args, undefined, io.cwd, io);
  const comparison = compareRuns(head, base);
  await reporter.onRunStart({ caseCount: head.cases.length, repeat: head.repeat, concurrency: 1, cwd: io.cwd });
  for (const result of head.cases) await reporter.onCaseResult(result);
  await reporter.onRunEnd({ results: head, comparison });
  return finalExitCode(comparison, args.failOn ?? 'regressed', reporter);
}

async function reportersFor(args: CliArgs, configured: ReporterSpec[] | undefined, dir: string, io: CliIo): Promise<ReporterMultiplexer> {
  const specs: ReporterSpec[] = args.reporters ?? (args.json ? [] : (configured ?? ['terminal']));
  let named;
  try {
    named = await resolveReporters(specs, { cwd: dir });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return createReporterMultiplexer(named, { stderr: io.stderr });
}

function finalExitCode(comparison: Comparison, failOn: FailOn, reporter: ReporterMultiplexer): number {
  const code = exitCodeFor(comparison, failOn);
  return reporter.failures.length > 0 ? Math.max(code, 1) : code;
}

function isResultsFileError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResultsFileError';
}
