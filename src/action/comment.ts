/**
 * Posting the report as ONE comment per pull request: find the comment that carries a hidden marker and
 * update it, or create it. Works over any octokit-shaped `request` function, so the entry passes
 * `getOctokit(token).request` and tests pass the same thing pointed at a loopback server.
 */

/** The part of a REST response this module reads. */
export interface RestResponse {
  status: number;
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** `octokit.request`'s shape: a route like `GET /repos/{owner}/{repo}/…` plus its parameters. Throws on 4xx/5xx with a numeric `status`. */
export type RestRequest = (route: string, params?: Record<string, unknown>) => Promise<RestResponse>;

export interface UpsertCommentOptions {
  request: RestRequest;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  /** Hidden text that identifies our comment, e.g. `<!-- rehearse:report -->`. Added to `body` when missing. */
  marker: string;
  /** `update` edits the marked comment if there is one; `new` always creates. */
  mode: 'update' | 'new';
  /**
   * Login that wrote our earlier comments, when known (a personal token). Without it only comments by a bot
   * account (the workflow token posts as `github-actions[bot]`) count, so a person quoting the marker is never edited.
   */
  author?: string;
}

export type UpsertCommentResult =
  | { status: 'created' | 'updated'; id: number; url: string; requests: number }
  | { status: 'skipped'; reason: string; requests: number };

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
  user?: { login: string; type: string } | null;
}

const PER_PAGE = 100;

/**
 * Creates or updates the report comment on an issue or pull request.
 * A token that may not write (403), cannot see the repository (404) or is not valid (401) gives
 * `{ status: 'skipped', reason }` rather than an error: the report is still in the job summary.
 *
 * @example
 * const result = await upsertComment({ request: octokit.request, owner, repo, issueNumber: 7, body, marker, mode: 'update' });
 */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const { request, owner, repo, issueNumber, marker } = options;
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  let requests = 0;
  const call = async (route: string, params: Record<string, unknown>): Promise<RestResponse> => {
    requests++;
    return request(route, { owner, repo, ...params });
  };

  try {
    if (options.mode === 'update') {
      const existing = await findMarkedComment(call, issueNumber, marker, options.author);
      if (existing) {
        const res = await call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: existing.id, body });
        const updated = res.data as IssueComment;
        return { status: 'updated', id: updated.id, url: updated.html_url, requests };
      }
    }
    const res = await call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issueNumber, body });
    const created = res.data as IssueComment;
    return { status: 'created', id: created.id, url: created.html_url, requests };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    if (status === 401 || status === 403 || status === 404) {
      return { status: 'skipped', reason: skipReason(status, error), requests };
    }
    throw new Error(`Posting the report comment on ${owner}/${repo}#${issueNumber} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Walks the issue's comments oldest first, 100 a page, following the `Link: rel="next"` header until a
 * page has none, and returns the first comment that is ours. Stops at the first match: later pages
 * cannot hold an older one.
 */
async function findMarkedComment(
  call: (route: string, params: Record<string, unknown>) => Promise<RestResponse>,
  issueNumber: number,
  marker: string,
  author: string | undefined,
): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const res = await call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issueNumber, per_page: PER_PAGE, page });
    const comments = res.data as IssueComment[];
    const ours = comments.find((c) => c.body?.includes(marker) && isOurAuthor(c, author));
    if (ours) return ours;
    if (!hasNextPage(res.headers['link'])) return undefined;
  }
}

function isOurAuthor(comment: IssueComment, author: string | undefined): boolean {
  if (author) return comment.user?.login === author;
  return comment.user?.type === 'Bot';
}

/** True when an RFC 8288 `Link` header has a `rel="next"` entry. */
export function hasNextPage(link: string | number | undefined): boolean {
  if (typeof link !== 'string') return false;
  return link.split(',').some((part) => /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/.test(part));
}

function skipReason(status: number, error: unknown): string {
  const detail = (error as Error).message ? ` (${(error as Error).message})` : '';
  if (status === 401) return `the token was refused${detail}: check the github-token input`;
  if (status === 404) return `the repository or pull request is not visible to this token${detail}`;
  return (
    `the token may not write comments${detail}. Give the job \`permissions: pull-requests: write\`; ` +
    `on a pull request from a fork the token is read-only, see the fork pattern in the docs`
  );
}
