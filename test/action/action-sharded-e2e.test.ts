import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/model/result.js';
import { FakeGitHub } from './fake-github.js';
import { createTwoCommitRepo, type TwoCommitRepo } from './fixture-repo.js';
import { GitHubOpenApi } from './openapi-validator.js';
import { actionRunner, type ActionRun, type RunOptions } from './run-action.js';

/*
 * The sharded workflow, end to end through the committed bundle: two matrix jobs (mode: run, shard 1/2 and
 * 2/2, each on the head and the base commit), their results folders "uploaded" and "downloaded" into one
 * folder of a fresh workspace (a report job has no checkout), and the report job (mode: report), against the
 * loopback GitHub API. The report must say what an unsharded run says, in exactly one comment.
 */

const MARKER = '<!-- rehearse:report -->';
const PR = 7;
const VERDICTS = ['fixed', 'regressed', 'still-failing', 'passing', 'flaky', 'new', 'removed', 'errored'] as const;
let github: FakeGitHub;
let repo: TwoCommitRepo;
let scratch: string;
let runAction: (inputs?: Record<string, string>, options?: RunOptions) => Promise<ActionRun>;

beforeAll(async () => {
  github = await new FakeGitHub(new GitHubOpenApi()).start();
  repo = createTwoCommitRepo();
  scratch = mkdtempSync(join(tmpdir(), 'rehearse-sharded-'));
  github.seed(PR, 3, (i) => ({ body: `review note ${i}` }));
  runAction = actionRunner({ github, repo, scratch, pr: PR });
});
afterAll(async () => {
  await github.close();
  rmSync(dirname(repo.origin), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const requestsSince = (start: number) => github.requests.slice(start).map((r) => `${r.method} ${r.path}${r.query['page'] ? `?page=${r.query['page']}` : ''}`);
const readResults = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunResults;
const keysOf = (path: string) => readResults(path).cases.map((c) => c.key).sort();

describe('the bundled action, sharded across a matrix and reported once', { timeout: 120_000 }, () => {
  let whole: ActionRun;
  const shards: ActionRun[] = [];
  let reportWorkspace = '';

  it('(reference) an unsharded run of the same pull request', async () => {
    whole = await runAction({ comment: 'off', 'fail-on': 'never' });
    expect(whole.code, whole.stdout).toBe(0);
    expect(whole.outputs).toMatchObject({ fixed: '2', regressed: '1', passing: '1' });
  });

  it('each shard job runs its shard on head and base, writes head-i.json and base-i.json, posts nothing, fails nothing', async () => {
    const before = github.requests.length;
    for (const shard of ['1/2', '2/2']) {
      const run = await runAction({ mode: 'run', shard });
      // fail-on is regressed and the suite has a regression, yet no shard fails: only the report judges the run.
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).not.toContain('::error');
      shards.push(run);
    }
    expect(requestsSince(before)).toEqual([]);

    const dir = join(repo.checkout, 'rehearse-results');
    const [head1, head2, base1, base2] = ['head-1', 'head-2', 'base-1', 'base-2'].map((n) => join(dir, `${n}.json`)) as [string, string, string, string];
    for (const file of [head1, head2, base1, base2]) expect(existsSync(file), file).toBe(true);
    // The two shards partition the suite, each holds some of it, and each base file holds its head's cases.
    const all = readResults(whole.outputs['results-path']!).cases.map((c) => c.key).sort();
    expect(keysOf(head1).length).toBeGreaterThan(0);
    expect(keysOf(head2).length).toBeGreaterThan(0);
    expect([...keysOf(head1), ...keysOf(head2)].sort()).toEqual(all);
    expect(keysOf(base1)).toEqual(keysOf(head1));
    expect(keysOf(base2)).toEqual(keysOf(head2));
    expect(readResults(head1).shard).toBe('1/2');
    expect(readResults(base2).shard).toBe('2/2');
    expect(readResults(head1).commit).toBe(repo.headSha);
    expect(readResults(base1).commit).toBe(repo.baseSha);

    expect(shards[0]!.outputs['results-path']).toBe(head1);
    expect(shards[1]!.outputs['results-path']).toBe(head2);
    for (const run of shards) {
      expect(run.outputs['comment-url']).toBe('');
      expect(run.outputs['comment-path']).toBe('');
      expect(run.summary).toMatch(/rehearse: shard [12]\/2/);
      expect(run.summary).not.toContain(MARKER);
    }
    // Each shard's counts are its part of the whole run's.
    for (const verdict of VERDICTS) {
      expect(Number(shards[0]!.outputs[verdict]) + Number(shards[1]!.outputs[verdict]), verdict).toBe(Number(whole.outputs[verdict]));
    }
  });

  it('the report job merges the shards and creates exactly one comment with the unsharded counts', async () => {
    // actions/download-artifact with merge-multiple: every shard's folder into one, in a workspace with no checkout.
    reportWorkspace = mkdtempSync(join(scratch, 'report-workspace-'));
    mkdirSync(join(reportWorkspace, 'rehearse-results'));
    cpSync(join(repo.checkout, 'rehearse-results'), join(reportWorkspace, 'rehearse-results'), { recursive: true });

    const before = github.requests.length;
    const report = await runAction({ mode: 'report' }, { workspace: reportWorkspace });
    expect(report.code, report.stdout).toBe(1);
    expect(report.stdout).toContain('::error::rehearse: 1 broke again, 2 fixed, 1 passing (fail-on: regressed)');
    expect(report.stdout).toMatch(/^::error title=rehearse%3A demo\/greet regressed,file=suites\/demo\/greet\.case\.json::/m);

    expect(requestsSince(before)).toEqual([`GET /repos/octo-org/agent-app/issues/${PR}/comments?page=1`, `POST /repos/octo-org/agent-app/issues/${PR}/comments`]);
    const comments = github.commentsOn(PR);
    expect(comments).toHaveLength(4);
    expect(comments.filter((c) => c.body.includes(MARKER))).toHaveLength(1);
    const ours = comments[3]!;
    expect(report.outputs['comment-url']).toBe(`https://github.com/octo-org/agent-app/pull/${PR}#issuecomment-${ours.id}`);
    expect(readFileSync(report.outputs['comment-path']!, 'utf8')).toBe(ours.body);
    // The same report an unsharded run renders (same cases, verdicts and reasons).
    const withoutTime = (body: string) => body.replace(/ · \d+ ms · /, ' · (time) · ');
    expect(withoutTime(ours.body)).toBe(withoutTime(readFileSync(whole.outputs['comment-path']!, 'utf8')));

    for (const name of [...VERDICTS, 'headline']) expect(report.outputs[name], name).toBe(whole.outputs[name]);
    const merged = readResults(report.outputs['results-path']!);
    expect(merged.shard).toBeUndefined();
    expect(merged.cases.map((c) => c.key).sort()).toEqual(readResults(whole.outputs['results-path']!).cases.map((c) => c.key).sort());
    expect(report.summary).toContain('demo/greet');
    expect(report.summary).toContain('> Merged 2 head shards (4 cases).');
    expect(report.summary).toContain('> Merged 2 base shards (4 cases).');
    expect(github.violations).toEqual([]);
  });

  it('a second report (a re-run) updates that comment instead of adding one', async () => {
    const before = github.requests.length;
    const report = await runAction({ mode: 'report', 'fail-on': 'never' }, { workspace: reportWorkspace });
    expect(report.code, report.stdout).toBe(0);
    const ours = github.commentsOn(PR)[3]!;
    expect(requestsSince(before)).toEqual([`GET /repos/octo-org/agent-app/issues/${PR}/comments?page=1`, `PATCH /repos/octo-org/agent-app/issues/comments/${ours.id}`]);
    expect(github.commentsOn(PR)).toHaveLength(4);
    expect(github.violations).toEqual([]);
  });

  it('a report missing a shard fails with the reason and posts nothing', async () => {
    const partial = mkdtempSync(join(scratch, 'partial-workspace-'));
    mkdirSync(join(partial, 'rehearse-results'));
    for (const name of ['head-1.json', 'base-1.json']) cpSync(join(repo.checkout, 'rehearse-results', name), join(partial, 'rehearse-results', name));
    const before = github.requests.length;
    const report = await runAction({ mode: 'report' }, { workspace: partial });
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/::error::results: the head shards cannot be merged: shard 2\/2 is missing \(given: 1\/2 in rehearse-results\/head-1\.json\)/);
    expect(github.requests.length).toBe(before);
  });
});
