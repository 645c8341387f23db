import { readFileSync } from 'node:fs';

/** The parts of a `pull_request` (or `pull_request_target`) event the Action uses. */
export interface PullRequestInfo {
  number: number;
  baseSha: string;
  headSha: string;
}

/** The repository and, when the event is about a pull request, the PR. */
export interface EventContext {
  owner: string;
  repo: string;
  eventName: string;
  pullRequest?: PullRequestInfo;
}

interface PullRequestPayload {
  pull_request?: {
    number?: number;
    base?: { sha?: string };
    head?: { sha?: string };
  };
}

/**
 * Reads the event the workflow runs for from `GITHUB_EVENT_PATH` and the repository from `GITHUB_REPOSITORY`.
 * Events other than pull requests give no `pullRequest`: the suite still runs, without a base or a comment.
 */
export function readEventContext(env: Record<string, string | undefined>): EventContext {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) {
    throw new Error(`GITHUB_REPOSITORY is ${JSON.stringify(env['GITHUB_REPOSITORY'] ?? '')}, expected "owner/repo": run this action from a GitHub workflow`);
  }
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  const path = env['GITHUB_EVENT_PATH'];
  if (!path) return { owner, repo, eventName };
  let payload: PullRequestPayload;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8')) as PullRequestPayload;
  } catch (error) {
    throw new Error(`${path}: cannot read the workflow event (GITHUB_EVENT_PATH): ${(error as Error).message}`, { cause: error });
  }
  const pr = payload.pull_request;
  if (!pr || typeof pr.number !== 'number' || !pr.base?.sha || !pr.head?.sha) return { owner, repo, eventName };
  return {
    owner,
    repo,
    eventName,
    pullRequest: {
      number: pr.number,
      baseSha: pr.base.sha,
      headSha: pr.head.sha,
    },
  };
}
