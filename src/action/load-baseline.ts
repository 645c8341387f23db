import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { RunResults } from '../model/result.js';
import { readResults } from '../report/results-file.js';
import { runBaseSide, seconds } from './baseline.js';
import type { ActionContext } from './context.js';
import type { SuiteArgs } from './run-suite.js';

/** What the base side needs besides the context: the head's results, the CLI, and how to select cases. */
export interface BaselineRequest {
  head: RunResults;
  cli: string;
  suite: SuiteArgs;
  /** Where the base run's results file goes (a shard's `base-<i>.json`); default a temp file. */
  out?: string;
}

/**
 * The baseline results per the `baseline` input, or undefined to compare with each case's captured outcome.
 * A base commit that cannot run is reported loudly and falls back to the captured outcomes: it says nothing
 * about the head. A missing baseline file is the user's to fix, so it throws.
 */
export async function loadBaseline(ctx: ActionContext, request: BaselineRequest): Promise<RunResults | undefined> {
  const { baseline } = ctx.inputs;
  if (baseline.kind === 'none') return undefined;
  if (baseline.kind === 'file') return readBaselineFile(ctx, baseline.path);
  const pr = ctx.event.pullRequest;
  if (!pr) {
    ctx.io.warning(`baseline: base needs a pull_request event (this is "${ctx.event.eventName}"); comparing with each case's captured outcome instead`);
    ctx.notes.push('No pull request, so no base run: cases are compared with their captured outcome.');
    return undefined;
  }
  const top = await ctx.runner('git', ['rev-parse', '--show-toplevel'], { cwd: ctx.workdir, echo: false });
  if (top.code !== 0) throw new Error(`baseline: base needs a git checkout, but ${ctx.workdir} is not in one: add actions/checkout before this step`);
  const repoRoot = top.stdout.trim();
  ctx.io.info(`Running the head's cases on the base (${pr.baseSha.slice(0, 12)})`);
  let base: Awaited<ReturnType<typeof runBaseSide>>;
  try {
    base = await runBaseSide({
      ...request.suite,
      repoRoot,
      workingDirectory: relative(repoRoot, ctx.workdir),
      baseSha: pr.baseSha,
      headResults: request.head,
      cli: request.cli,
      tempDir: ctx.tempDir,
      runner: ctx.runner,
      log: (line) => ctx.io.info(line),
      ...(request.out ? { out: request.out } : {}),
    });
  } catch (error) {
    // The base cannot run (the PR that adds rehearse has no config on its base, a base install that fails):
    // that says nothing about the head, so report against the captured outcomes and say why, loudly.
    const message = `The base commit could not be run, so cases are compared with their captured outcome: ${(error as Error).message}`;
    ctx.io.warning(message);
    ctx.notes.push(message.split('\n')[0]!);
    return undefined;
  }
  const t = base.timings;
  const line = `Base run (${pr.baseSha.slice(0, 12)}): checkout ${seconds(t.checkoutMs)}, dependencies ${seconds(t.installMs)} (${t.install}), suite ${seconds(t.runMs)}.`;
  ctx.io.info(line);
  ctx.notes.push(line);
  return base.results;
}

/** A saved results file named by `baseline: <path>` (relative to the working directory). */
export function readBaselineFile(ctx: ActionContext, path: string): RunResults {
  const absolute = resolve(ctx.workdir, path);
  if (!existsSync(absolute)) {
    throw new Error(`baseline: ${absolute} does not exist; write base (run the PR's base commit), none, or the path of a results file from \`rehearse run --out\``);
  }
  ctx.notes.push(`Baseline: ${path}.`);
  return readResults(absolute);
}
