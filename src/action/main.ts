import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { compareRuns, exitCodeFor, headline } from '../compare/index.js';
import type { Comparison, VerdictCounts } from '../model/comparison.js';
import type { RunResults } from '../model/result.js';
import { REPORT_MARKER, renderComment } from '../report/markdown.js';
import { renderSummary } from '../report/summary.js';
import { runBaseSide, seconds } from './baseline.js';
import { upsertComment, type RestRequest, type UpsertCommentResult } from './comment.js';
import { readEventContext, type EventContext } from './event.js';
import { parseInputs, unknownInputWarnings, type ActionInputs } from './inputs.js';
import { readResults } from '../report/results-file.js';
import { findRehearseCli, runSuite, spawnCommand, suiteArgsOf, type CommandRunner } from './run-suite.js';

/** What the Action does to the runner, so `main` holds no `@actions/*` import and tests can watch it. */
export interface ActionIO {
  info(message: string): void;
  warning(message: string): void;
  /** An annotation; with `file`, GitHub shows it on that file in the PR. */
  error(message: string, properties?: { file?: string; title?: string }): void;
  setOutput(name: string, value: string | number): void;
  /** Appends Markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
  setFailed(message: string): void;
}

export interface MainDeps {
  env: Record<string, string | undefined>;
  io: ActionIO;
  /** REST client for a token and API root (the entry passes @actions/github's). */
  restRequest: (token: string, baseUrl: string) => RestRequest;
  runner?: CommandRunner;
}

const VERDICT_OUTPUTS = ['fixed', 'regressed', 'still-failing', 'passing', 'flaky', 'new', 'removed', 'errored'] as const satisfies readonly (keyof VerdictCounts)[];

/** Every output the Action sets (action.yml declares the same list; a test keeps them in step). */
export const ACTION_OUTPUTS = [...VERDICT_OUTPUTS, 'headline', 'results-path', 'comment-url', 'comment-path'] as const;

/**
 * The Action: run the suite on the head (and the base), compare, report to the summary, the outputs,
 * annotations and one PR comment, and fail per `fail-on`. Throws only for problems the user must fix
 * (bad inputs, a suite that cannot run); a comment that cannot be posted never fails the job.
 */
export async function main({ env, io, restRequest, runner = spawnCommand }: MainDeps): Promise<void> {
  for (const warning of unknownInputWarnings(env)) io.warning(warning);
  const inputs = parseInputs(env);
  const event = readEventContext(env);
  const pr = event.pullRequest;
  const workspace = resolve(env['GITHUB_WORKSPACE'] ?? process.cwd());
  const workdir = resolve(workspace, inputs.workingDirectory);
  const tempDir = join(env['RUNNER_TEMP'] ?? tmpdir(), 'rehearse');
  mkdirSync(tempDir, { recursive: true });
  const notes: string[] = [];

  const cli = findRehearseCli(workdir);
  const suite = suiteArgsOf(inputs);
  io.info(`Running the suite on the head (${pr?.headSha.slice(0, 12) ?? env['GITHUB_SHA']?.slice(0, 12) ?? 'working tree'}) with ${cli}`);
  const head = await runSuite({ ...suite, cli, cwd: workdir, out: join(tempDir, 'rehearse-results.json'), runner, side: 'head' });
  notes.push(`Head run: ${seconds(head.durationMs)}.`);

  const base = await loadBaseline(inputs, event, { workdir, tempDir, cli, head: head.results, runner, io, notes });
  const comparison = compareRuns(head.results, base);
  const summaryLine = `rehearse: ${headline(comparison.counts)}`;
  io.info(summaryLine);

  const repoUrl = `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${event.owner}/${event.repo}`;
  const sha = pr?.headSha ?? env['GITHUB_SHA'];
  const linkOptions = sha ? { repoUrl, sha } : { repoUrl };

  annotateRegressions(comparison, relative(workspace, workdir), io);

  const body = await renderComment(comparison, linkOptions);
  // Kept as a file too: a fork's read-only run uploads it, and a `workflow_run` job posts it (README: the fork pattern).
  const commentPath = join(tempDir, 'rehearse-comment.md');
  writeFileSync(commentPath, body);
  const comment = await postComment(inputs, event, { env, restRequest, body });
  if (comment.status === 'skipped') {
    // Asked for (comment: off) is news; a token that could not write is worth a warning.
    const message = `Report comment not posted: ${comment.reason}`;
    if (inputs.comment === 'off') io.info(message);
    else io.warning(message);
    notes.push(`The PR comment was not posted: ${comment.reason}.`);
  } else {
    io.info(`Report comment ${comment.status}: ${comment.url}`);
  }

  const summary = await renderSummary(comparison, linkOptions);
  await io.appendSummary(`${summary.trimEnd()}\n\n${notes.map((n) => `> ${n}`).join('\n>\n')}\n`);

  for (const verdict of VERDICT_OUTPUTS) io.setOutput(verdict, comparison.counts[verdict]);
  io.setOutput('results-path', head.resultsPath);
  io.setOutput('comment-url', comment.status === 'skipped' ? '' : comment.url);
  io.setOutput('comment-path', commentPath);
  io.setOutput('headline', headline(comparison.counts));

  if (exitCodeFor(comparison, inputs.failOn) === 1) io.setFailed(`${summaryLine} (fail-on: ${inputs.failOn})`);
}

interface BaselineContext {
  workdir: string;
  tempDir: string;
  cli: string;
  head: RunResults;
  runner: CommandRunner;
  io: ActionIO;
  notes: string[];
}

/** The baseline results per the `baseline` input, or undefined to compare with each case's captured outcome. */
async function loadBaseline(inputs: ActionInputs, event: EventContext, ctx: BaselineContext): Promise<RunResults | undefined> {
  const { baseline } = inputs;
  if (baseline.kind === 'none') return undefined;
  if (baseline.kind === 'file') {
    const path = resolve(ctx.workdir, baseline.path);
    if (!existsSync(path)) {
      throw new Error(`baseline: ${path} does not exist; write base (run the PR's base commit), none, or the path of a results file from \`rehearse run --out\``);
    }
    ctx.notes.push(`Baseline: ${baseline.path}.`);
    return readResults(path);
  }
  const pr = event.pullRequest;
  if (!pr) {
    ctx.io.warning(`baseline: base needs a pull_request event (this is "${event.eventName}"); comparing with each case's captured outcome instead`);
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
      ...suiteArgsOf(inputs),
      repoRoot,
      workingDirectory: relative(repoRoot, ctx.workdir),
      baseSha: pr.baseSha,
      headResults: ctx.head,
      cli: ctx.cli,
      tempDir: ctx.tempDir,
      runner: ctx.runner,
      log: (line) => ctx.io.info(line),
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

/** Emits an error annotation on the case file of each regressed case (paths relative to the workspace). */
function annotateRegressions(comparison: Comparison, workdirFromWorkspace: string, io: ActionIO): void {
  for (const c of comparison.cases) {
    if (c.verdict !== 'regressed' || !c.head) continue;
    const file = [workdirFromWorkspace, c.head.file].filter(Boolean).join('/').replace(/\\/g, '/');
    io.error(`${c.key} regressed: ${c.reason}`, { file, title: `rehearse: ${c.key} regressed` });
  }
}

interface CommentContext {
  env: Record<string, string | undefined>;
  restRequest: MainDeps['restRequest'];
  body: string;
}

async function postComment(inputs: ActionInputs, event: EventContext, ctx: CommentContext): Promise<UpsertCommentResult> {
  if (inputs.comment === 'off') return { status: 'skipped', reason: 'comment is off', requests: 0 };
  if (!event.pullRequest) return { status: 'skipped', reason: `there is no pull request in a "${event.eventName}" event`, requests: 0 };
  if (!inputs.githubToken) return { status: 'skipped', reason: 'github-token is empty', requests: 0 };
  const request = ctx.restRequest(inputs.githubToken, ctx.env['GITHUB_API_URL'] ?? 'https://api.github.com');
  const author = await commentAuthor(request, inputs.githubToken);
  return upsertComment({
    request,
    owner: event.owner,
    repo: event.repo,
    issueNumber: event.pullRequest.number,
    body: ctx.body,
    marker: REPORT_MARKER,
    mode: inputs.comment,
    ...(author ? { author } : {}),
  });
}

/**
 * The login a personal token posts as, so its earlier comment is found. The workflow token (`ghs_…`) posts
 * as a bot and may not read `/user`, so it is not asked.
 */
async function commentAuthor(request: RestRequest, token: string): Promise<string | undefined> {
  if (token.startsWith('ghs_')) return undefined;
  try {
    const res = await request('GET /user');
    return (res.data as { login?: string }).login;
  } catch {
    return undefined;
  }
}
