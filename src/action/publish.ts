import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareRuns, exitCodeFor, headline } from '../compare/index.js';
import type { Comparison, VerdictCounts } from '../model/comparison.js';
import type { RunResults } from '../model/result.js';
import { REPORT_MARKER, renderComment } from '../report/markdown.js';
import { renderSummary } from '../report/summary.js';
import { upsertComment, type RestRequest, type UpsertCommentResult } from './comment.js';
import type { ActionContext, ActionIO } from './context.js';

/** The outputs that count cases per verdict. */
export const VERDICT_OUTPUTS = ['fixed', 'regressed', 'still-failing', 'passing', 'flaky', 'new', 'removed', 'errored'] as const satisfies readonly (keyof VerdictCounts)[];

/** Every output the Action sets (action.yml declares the same list; a test keeps them in step). */
export const ACTION_OUTPUTS = [...VERDICT_OUTPUTS, 'headline', 'results-path', 'comment-url', 'comment-path'] as const;

/** The head's results (where they are on disk) and the baseline to compare them with. */
export interface ReportRequest {
  head: RunResults;
  headPath: string;
  /** Undefined compares each case with its captured outcome. */
  base: RunResults | undefined;
}

/**
 * Compares head with base and reports everywhere: the log, an annotation per regressed case file, the comment
 * (kept as a file too, and posted or updated once per PR), the job summary with the context's notes, the
 * outputs; then fails the job per `fail-on`. A comment that cannot be posted never fails the job.
 */
export async function publishReport(ctx: ActionContext, { head, headPath, base }: ReportRequest): Promise<Comparison> {
  const { env, event, inputs, io } = ctx;
  const comparison = compareRuns(head, base);
  const summaryLine = `rehearse: ${headline(comparison.counts)}`;
  io.info(summaryLine);

  const repoUrl = `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${event.owner}/${event.repo}`;
  const sha = event.pullRequest?.headSha ?? env['GITHUB_SHA'];
  const linkOptions = sha ? { repoUrl, sha } : { repoUrl };

  annotateRegressions(comparison, relative(ctx.workspace, ctx.workdir), io);

  const body = await renderComment(comparison, linkOptions);
  // Kept as a file too: a fork's read-only run uploads it, and a `workflow_run` job posts it (README: the fork pattern).
  const commentPath = join(ctx.tempDir, 'rehearse-comment.md');
  writeFileSync(commentPath, body);
  const comment = await postComment(ctx, body);
  if (comment.status === 'skipped') {
    // Asked for (comment: off) is news; a token that could not write is worth a warning.
    const message = `Report comment not posted: ${comment.reason}`;
    if (inputs.comment === 'off') io.info(message);
    else io.warning(message);
    ctx.notes.push(`The PR comment was not posted: ${comment.reason}.`);
  } else {
    io.info(`Report comment ${comment.status}: ${comment.url}`);
  }

  const summary = await renderSummary(comparison, linkOptions);
  await io.appendSummary(`${summary.trimEnd()}\n\n${ctx.notes.map((n) => `> ${n}`).join('\n>\n')}\n`);

  setCountOutputs(comparison, io);
  io.setOutput('results-path', headPath);
  io.setOutput('comment-url', comment.status === 'skipped' ? '' : comment.url);
  io.setOutput('comment-path', commentPath);

  if (exitCodeFor(comparison, inputs.failOn) === 1) io.setFailed(`${summaryLine} (fail-on: ${inputs.failOn})`);
  return comparison;
}

/** Sets the per-verdict count outputs and `headline`. */
export function setCountOutputs(comparison: Comparison, io: ActionIO): void {
  for (const verdict of VERDICT_OUTPUTS) io.setOutput(verdict, comparison.counts[verdict]);
  io.setOutput('headline', headline(comparison.counts));
}

/** Emits an error annotation on the case file of each regressed case (paths relative to the workspace). */
function annotateRegressions(comparison: Comparison, workdirFromWorkspace: string, io: ActionIO): void {
  for (const c of comparison.cases) {
    if (c.verdict !== 'regressed' || !c.head) continue;
    const file = [workdirFromWorkspace, c.head.file].filter(Boolean).join('/').replace(/\\/g, '/');
    io.error(`${c.key} regressed: ${c.reason}`, { file, title: `rehearse: ${c.key} regressed` });
  }
}

async function postComment(ctx: ActionContext, body: string): Promise<UpsertCommentResult> {
  const { inputs, event } = ctx;
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
    body,
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
