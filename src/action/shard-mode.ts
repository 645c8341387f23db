import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compareRuns, headline } from '../compare/index.js';
import type { RunResults } from '../model/result.js';
import { writeResults } from '../report/results-file.js';
import { MergeError } from '../shard/merge-results.js';
import { formatShard, type ShardSpec } from '../shard/shard-spec.js';
import { seconds } from './baseline.js';
import type { ActionContext } from './context.js';
import { loadBaseline, readBaselineFile } from './load-baseline.js';
import { publishReport, setCountOutputs } from './publish.js';
import { findRehearseCli, runSuite, type SuiteArgs } from './run-suite.js';
import { findShardFiles, mergeShardFiles, shardFileName } from './shard-files.js';

/**
 * `mode: run` with `shard: i/n` (a matrix job): runs shard i of the suite on the head, and with `baseline: base`
 * the same shard on the base commit; writes `<results>/head-<i>.json` and `base-<i>.json` for the report job;
 * sets the outputs for this shard alone. Posts no comment and never fails the job for a verdict: only the report
 * job sees the whole run. (A suite that cannot run at all still throws.)
 */
export async function runShardMode(ctx: ActionContext, shard: ShardSpec, suite: SuiteArgs): Promise<void> {
  const { io, inputs } = ctx;
  const label = formatShard(shard);
  const dir = resolve(ctx.workdir, inputs.results);
  mkdirSync(dir, { recursive: true });
  const cli = findRehearseCli(ctx.workdir);
  const shardSuite: SuiteArgs = { ...suite, shard: label };
  io.info(`Running shard ${label} of the suite on the head (${ctx.event.pullRequest?.headSha.slice(0, 12) ?? ctx.env['GITHUB_SHA']?.slice(0, 12) ?? 'working tree'}) with ${cli}`);
  const headPath = join(dir, shardFileName('head', shard));
  const head = await runSuite({ ...shardSuite, cli, cwd: ctx.workdir, out: headPath, runner: ctx.runner, side: 'head' });
  ctx.notes.push(`Head run of shard ${label}: ${seconds(head.durationMs)}.`);

  // Only `base` is sharded: a baseline file is read whole by the report job, and `none` needs nothing.
  const basePath = join(dir, shardFileName('base', shard));
  const base = inputs.baseline.kind === 'base' ? await loadBaseline(ctx, { head: head.results, cli, suite: shardSuite, out: basePath }) : undefined;

  // This shard's verdicts (head and base hold the same cases, split alike); the report job judges the whole run.
  const comparison = compareRuns(head.results, base);
  const written = [headPath, ...(base ? [basePath] : [])].map((p) => relative(ctx.workspace, p) || p);
  io.info(`rehearse shard ${label}: ${headline(comparison.counts)}. Wrote ${written.join(' and ')}; upload ${relative(ctx.workspace, dir) || '.'} as an artifact for the job with mode: report.`);
  await io.appendSummary(
    `### rehearse: shard ${label}\n\n${head.results.totals.cases} case(s) in this shard: ${headline(comparison.counts)}. ` +
      `The report job (mode: report) merges every shard and posts the comment.\n\n${ctx.notes.map((n) => `> ${n}`).join('\n>\n')}\n`,
  );
  setCountOutputs(comparison, io);
  io.setOutput('results-path', headPath);
  io.setOutput('comment-url', '');
  io.setOutput('comment-path', '');
}

/**
 * `mode: report` (the job after the matrix): finds the shards' `head-<i>.json` and `base-<i>.json` under the
 * `results` input, merges each side as `rehearse merge` does, and reports once: summary, annotations, outputs,
 * ONE comment, and failure per `fail-on`. Head files that do not merge (a shard missing, files of another run)
 * fail the job with the reason; base files that do not merge fall back to the captured outcomes, loudly, as a
 * base commit that cannot run does.
 */
export async function reportMode(ctx: ActionContext): Promise<void> {
  const { io, inputs } = ctx;
  const files = await findShardFiles(inputs.results, ctx.workdir);
  let head: RunResults;
  try {
    const merged = mergeShardFiles(files.head, ctx.workdir);
    for (const warning of merged.warnings) io.warning(`Merging the head shards: ${warning}`);
    head = merged.results;
  } catch (error) {
    if (!(error instanceof MergeError)) throw error;
    throw new Error(`results: the head shards cannot be merged: ${error.message}`, { cause: error });
  }
  io.info(`Merged ${files.head.length} head shard file(s): ${head.totals.cases} cases.`);
  ctx.notes.push(`Merged ${files.head.length} head shard${files.head.length === 1 ? '' : 's'} (${head.totals.cases} cases).`);
  const headPath = join(ctx.tempDir, 'rehearse-results.json');
  writeResults(headPath, head);

  const base = baselineForReport(ctx, files.base);
  await publishReport(ctx, { head, headPath, base });
}

/** The baseline of a report: the merged base shards, a saved file, or none (with the reason in the notes). */
function baselineForReport(ctx: ActionContext, baseFiles: readonly string[]): RunResults | undefined {
  const { baseline } = ctx.inputs;
  if (baseline.kind === 'none') return undefined;
  if (baseline.kind === 'file') return readBaselineFile(ctx, baseline.path);
  if (baseFiles.length === 0) {
    const message = 'No base shard files (base-<i>.json) were found, so cases are compared with their captured outcome (the shard jobs say why the base did not run).';
    ctx.io.warning(message);
    ctx.notes.push(message);
    return undefined;
  }
  try {
    const merged = mergeShardFiles(baseFiles, ctx.workdir);
    for (const warning of merged.warnings) ctx.io.warning(`Merging the base shards: ${warning}`);
    ctx.notes.push(`Merged ${baseFiles.length} base shard${baseFiles.length === 1 ? '' : 's'} (${merged.results.totals.cases} cases).`);
    return merged.results;
  } catch (error) {
    if (!(error instanceof MergeError)) throw error;
    // Some shards could not run the base (a base install that failed on one runner): that says nothing about the head.
    const message = `The base shards cannot be merged, so cases are compared with their captured outcome: ${error.message}`;
    ctx.io.warning(message);
    ctx.notes.push(message);
    return undefined;
  }
}
