import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../test/action/fake-github.js';
import { GitHubOpenApi } from '../../test/action/openapi-validator.js';
import { hasNextPage, upsertComment, type UpsertCommentOptions } from './comment.js';
import { restRequestFor } from './octokit.js';

const MARKER = '<!-- rehearse:report -->';
let api: GitHubOpenApi;
let github: FakeGitHub;

beforeAll(() => {
  api = new GitHubOpenApi();
});
beforeEach(async () => {
  github = await new FakeGitHub(api).start();
});
afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.close();
});

function options(overrides: Partial<UpsertCommentOptions> = {}): UpsertCommentOptions {
  return {
    request: restRequestFor(github.token, github.url),
    owner: github.owner,
    repo: github.repo,
    issueNumber: 7,
    body: `${MARKER}\n## rehearse\n1 fixed`,
    marker: MARKER,
    mode: 'update',
    ...overrides,
  };
}

describe('upsertComment', () => {
  it('creates the comment when the PR has none, then updates that one', async () => {
    const first = await upsertComment(options());
    expect(first).toMatchObject({ status: 'created', url: expect.stringMatching(/\/pull\/7#issuecomment-\d+$/) });
    const second = await upsertComment(options({ body: `${MARKER}\n## rehearse\n2 fixed` }));
    expect(second).toMatchObject({ status: 'updated', id: first.status === 'created' ? first.id : -1 });
    expect(github.commentsOn(7).map((c) => c.body)).toEqual([`${MARKER}\n## rehearse\n2 fixed`]);
  });

  it('pages through every comment to find its own, past the first 100', async () => {
    github.seed(7, 230, (i) => (i === 180 ? { body: `${MARKER}\nold report`, login: 'github-actions[bot]', type: 'Bot' } : { body: `comment ${i}` }));
    const result = await upsertComment(options());
    expect(result.status).toBe('updated');
    expect(github.commentsOn(7)).toHaveLength(230);
    expect(github.commentsOn(7)[180]!.body).toContain('1 fixed');
    const lists = github.requests.filter((r) => r.method === 'GET');
    expect(lists.map((r) => r.query)).toEqual([
      { per_page: '100', page: '1' },
      { per_page: '100', page: '2' },
    ]);
    expect(result.requests).toBe(3);
  });

  it('reads every page and then creates, when no comment carries the marker', async () => {
    github.seed(7, 201, (i) => ({ body: `comment ${i}` }));
    const result = await upsertComment(options());
    expect(result.status).toBe('created');
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(github.commentsOn(7)).toHaveLength(202);
  });

  it('never edits a person\'s comment that quotes the marker', async () => {
    github.seed(7, 1, () => ({ body: `look: ${MARKER}`, login: 'alice', type: 'User' }));
    const result = await upsertComment(options());
    expect(result.status).toBe('created');
    expect(github.commentsOn(7)[0]!.body).toBe(`look: ${MARKER}`);
  });

  it('matches by login when the author is known (a personal token)', async () => {
    github.seed(7, 1, () => ({ body: `${MARKER}\nold`, login: 'ci-user', type: 'User' }));
    const result = await upsertComment(options({ author: 'ci-user' }));
    expect(result.status).toBe('updated');
  });

  it('adds the marker when the body lacks it', async () => {
    await upsertComment(options({ body: 'plain' }));
    expect(github.commentsOn(7)[0]!.body).toBe(`${MARKER}\nplain`);
  });

  it('always creates in mode new', async () => {
    await upsertComment(options({ mode: 'new' }));
    await upsertComment(options({ mode: 'new' }));
    expect(github.commentsOn(7)).toHaveLength(2);
    expect(github.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('skips, without throwing, when the token may not write (fork PR)', async () => {
    github.readOnly = true;
    const result = await upsertComment(options());
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('pull-requests: write') });
    expect(github.commentsOn(7)).toHaveLength(0);
  });

  it('skips when the token is refused', async () => {
    const result = await upsertComment(options({ request: restRequestFor('wrong', github.url) }));
    expect(result).toMatchObject({ status: 'skipped', reason: expect.stringContaining('github-token') });
  });

  it('throws with context on other failures', async () => {
    await expect(upsertComment(options({ owner: 'x', request: async () => Promise.reject(Object.assign(new Error('boom'), { status: 502 })) }))).rejects.toThrow(
      'Posting the report comment on x/agent-app#7 failed: boom',
    );
  });
});

describe('hasNextPage', () => {
  it('reads rel="next" among other relations', () => {
    expect(hasNextPage('<https://x/?page=2>; rel="next", <https://x/?page=5>; rel="last"')).toBe(true);
    expect(hasNextPage('<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first"')).toBe(false);
    expect(hasNextPage(undefined)).toBe(false);
  });
});
