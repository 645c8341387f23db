import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ActionContext, MainDeps } from './context.js';
import { readEventContext } from './event.js';
import { parseInputs, unknownInputWarnings, type ActionInputs } from './inputs.js';
import { loadBaseline } from './load-baseline.js';
import { publishReport } from './publish.js';
import { seconds } from './baseline.js';
import { findRehearseCli, runSuite, spawnCommand, suiteArgsOf, type SuiteArgs } from './run-suite.js';
import { reportMode, runShardMode } from './shard-mode.js';

export type { ActionContext, ActionIO, MainDeps } from './context.js';
export { ACTION_OUTPUTS } from './publish.js';

/**
 * The Action. `mode: run` without `shard`: run the suite on the head (and the base), compare, report to the
 * summary, the outputs, annotations and one PR comment, and fail per `fail-on`. `mode: run` with `shard`: run
 * that shard on both sides and write its results files (shard-mode.ts). `mode: report`: merge the shards' files
 * and report once. Throws only for problems the user must fix (bad inputs, a suite that cannot run, shards that
 * do not merge); a comment that cannot be posted never fails the job.
 */
export async function main({ env, io, restRequest, runner = spawnCommand }: MainDeps): Promise<void> {
  for (const warning of unknownInputWarnings(env)) io.warning(warning);
  const inputs = parseInputs(env);
  const workspace = resolve(env['GITHUB_WORKSPACE'] ?? process.cwd());
  const tempDir = join(env['RUNNER_TEMP'] ?? tmpdir(), 'rehearse');
  mkdirSync(tempDir, { recursive: true });
  const ctx: ActionContext = {
    env,
    io,
    restRequest,
    runner,
    inputs,
    event: readEventContext(env),
    workspace,
    workdir: resolve(workspace, inputs.workingDirectory),
    tempDir,
    notes: [],
  };

  if (inputs.mode === 'report') return reportMode(ctx);
  if (inputs.shard) return runShardMode(ctx, inputs.shard, suiteOf(inputs));
  return runWhole(ctx);
}

/** The whole suite on the head, the baseline, one report. */
async function runWhole(ctx: ActionContext): Promise<void> {
  const cli = findRehearseCli(ctx.workdir);
  const suite = suiteOf(ctx.inputs);
  const pr = ctx.event.pullRequest;
  ctx.io.info(`Running the suite on the head (${pr?.headSha.slice(0, 12) ?? ctx.env['GITHUB_SHA']?.slice(0, 12) ?? 'working tree'}) with ${cli}`);
  const head = await runSuite({ ...suite, cli, cwd: ctx.workdir, out: join(ctx.tempDir, 'rehearse-results.json'), runner: ctx.runner, side: 'head' });
  ctx.notes.push(`Head run: ${seconds(head.durationMs)}.`);
  const base = await loadBaseline(ctx, { head: head.results, cli, suite });
  await publishReport(ctx, { head: head.results, headPath: head.resultsPath, base });
}

/** The case selection and run shape from the inputs (the shard is added by the shard mode). */
function suiteOf(inputs: ActionInputs): SuiteArgs {
  const { shard: _shard, ...rest } = inputs;
  return suiteArgsOf({ ...rest });
}
