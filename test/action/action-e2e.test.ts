import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from './fake-github.js';
import { createTwoCommitRepo, type TwoCommitRepo } from './fixture-repo.js';
import { GitHubOpenApi } from './openapi-validator.js';
import { actionRunner, type ActionRun } from './run-action.js';

/*
 * Runs the committed bundle, dist/action/index.js, as the runner would: a child process with the runner's
 * environment, a real pull_request event payload, and GITHUB_API_URL pointing at a loopback server that plays
 * GitHub's REST API and checks every request against GitHub's OpenAPI description.
 */

const MARKER = '<!-- rehearse:report -->';
const PR = 42;
let github: FakeGitHub;
let repo: TwoCommitRepo;
let scratch: string;

beforeAll(async () => {
  github = await new FakeGitHub(new GitHubOpenApi()).start();
  repo = createTwoCommitRepo();
  scratch = mkdtempSync(join(tmpdir(), 'rehearse-runner-'));
  // A long-running PR: 150 comments by people, so finding our comment needs a second page.
  github.seed(PR, 150, (i) => ({ body: i === 3 ? `quoting the bot: ${MARKER}` : `review note ${i}` }));
  const run = actionRunner({ github, repo, scratch, pr: PR });
  runAction = (inputs, baseSha) => run(inputs, baseSha ? { baseSha } : {});
});
afterAll(async () => {
  await github.close();
  rmSync(dirname(repo.origin), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

let runAction: (inputs?: Record<string, string>, baseSha?: string) => Promise<ActionRun>;

const requestsSince = (start: number) => github.requests.slice(start).map((r) => `${r.method} ${r.path}${r.query['page'] ? `?page=${r.query['page']}` : ''}`);

describe('the bundled action on a pull_request event', { timeout: 90_000 }, () => {
  let firstCommentId = 0;

  it('runs head and base, fails on the regression, annotates it, and creates one comment', async () => {
    const before = github.requests.length;
    const run = await runAction();

    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs).toMatchObject({ fixed: '2', regressed: '1', passing: '1', 'still-failing': '0', flaky: '0', new: '0', removed: '0', errored: '0' });
    expect(run.outputs['headline']).toBe('1 broke again, 2 fixed, 1 passing');
    expect(existsSync(run.outputs['results-path']!)).toBe(true);
    expect(readFileSync(run.outputs['comment-path']!, 'utf8')).toBe(github.commentsOn(PR)[150]!.body);
    expect(run.outputs['comment-url']).toMatch(new RegExp(`^https://github.com/octo-org/agent-app/pull/${PR}#issuecomment-\\d+$`));

    // Workflow commands escape ':' in properties as %3A.
    expect(run.stdout).toMatch(/^::error title=rehearse%3A demo\/greet regressed,file=suites\/demo\/greet\.case\.json::demo\/greet regressed: /m);
    expect(run.stdout.match(/^::error title=/gm)).toHaveLength(1);
    expect(run.stdout).toContain('::error::rehearse: 1 broke again, 2 fixed, 1 passing (fail-on: regressed)');
    expect(run.stdout).toMatch(/Base run \([0-9a-f]{12}\): checkout \d+\.\d s, dependencies \d+\.\d s \(reused head node_modules\), suite \d+\.\d s\./);

    expect(requestsSince(before)).toEqual([
      `GET /repos/octo-org/agent-app/issues/${PR}/comments?page=1`,
      `GET /repos/octo-org/agent-app/issues/${PR}/comments?page=2`,
      `POST /repos/octo-org/agent-app/issues/${PR}/comments`,
    ]);
    const comments = github.commentsOn(PR);
    expect(comments).toHaveLength(151);
    const ours = comments[150]!;
    firstCommentId = ours.id;
    expect(ours.body.startsWith(MARKER)).toBe(true);
    expect(ours.body).toContain('demo/greet');
    expect(ours.body).toContain('demo/refund');
    expect(comments[3]!.body).toBe(`quoting the bot: ${MARKER}`);

    expect(run.summary).toContain('demo/greet');
    expect(run.summary).not.toContain(MARKER);
    expect(run.summary).toMatch(/> Head run: \d+\.\d s\./);
    expect(github.violations).toEqual([]);
  });

  it('updates the same comment on the next push instead of adding one', async () => {
    const before = github.requests.length;
    const run = await runAction({ 'fail-on': 'never' });
    expect(run.code, run.stdout).toBe(0);
    expect(requestsSince(before)).toEqual([
      `GET /repos/octo-org/agent-app/issues/${PR}/comments?page=1`,
      `GET /repos/octo-org/agent-app/issues/${PR}/comments?page=2`,
      `PATCH /repos/octo-org/agent-app/issues/comments/${firstCommentId}`,
    ]);
    expect(github.commentsOn(PR)).toHaveLength(151);
    expect(run.outputs['comment-url']).toBe(`https://github.com/octo-org/agent-app/pull/${PR}#issuecomment-${firstCommentId}`);
    expect(github.violations).toEqual([]);
  });

  it('with a read-only token: reports, warns, notes it in the summary, and does not fail for it', async () => {
    github.readOnly = true;
    try {
      const run = await runAction({ 'fail-on': 'never', baseline: 'none' });
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toMatch(/^::warning::Report comment not posted: the token may not write comments/m);
      expect(run.summary).toContain('The PR comment was not posted: the token may not write comments');
      expect(run.outputs['comment-url']).toBe('');
      expect(github.commentsOn(PR)).toHaveLength(151);
    } finally {
      github.readOnly = false;
    }
  });

  it('with comment: off, posts nothing and says so', async () => {
    const before = github.requests.length;
    const run = await runAction({ comment: 'off', baseline: 'none', 'fail-on': 'never' });
    expect(run.code, run.stdout).toBe(0);
    expect(github.requests.length).toBe(before);
    expect(run.summary).toContain('The PR comment was not posted: comment is off.');
  });

  it('when the base commit cannot be run, warns, compares with the captured outcomes, and still judges the head', async () => {
    const run = await runAction({ comment: 'off' }, 'f'.repeat(40));
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^::warning::The base commit could not be run, so cases are compared with their captured outcome: git fetch/m);
    expect(run.summary).toContain('> The base commit could not be run');
    expect(run.outputs).toMatchObject({ fixed: '2', regressed: '1', passing: '1' });
  });

  it('fails at once on a malformed input, saying what to write instead', async () => {
    const before = github.requests.length;
    const run = await runAction({ comment: 'yes', failon: 'never' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::warning::Unknown input "failon" (INPUT_FAILON) is ignored. Did you mean "fail-on"?');
    expect(run.stdout).toContain('::error::comment must be one of update, new, off; got "yes"');
    expect(github.requests.length).toBe(before);
  });
});
