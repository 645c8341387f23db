import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitHubOpenApi } from './openapi-validator.js';

/** One request the fake received, as the test sees it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  authorization?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  login: string;
  type: 'User' | 'Bot';
  createdAt: string;
  updatedAt: string;
}

/**
 * A real HTTP server on 127.0.0.1 that plays the parts of GitHub's REST API the Action uses: list an
 * issue's comments (with `Link` pagination), create a comment, update a comment, and `GET /user`.
 * Every request is checked against GitHub's OpenAPI description; every departure lands in `violations`.
 * `readOnly` answers writes with the 403 a fork PR's token gets.
 */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly comments: FakeComment[] = [];
  /** Answer POST/PATCH with 403, as for a read-only token. */
  readOnly = false;
  /** The token the fake accepts; anything else gets 401. */
  token = 'ghs_loopbacktoken';
  private nextId = 1000;
  private server: Server | undefined;
  private origin = '';

  constructor(
    private readonly api: GitHubOpenApi,
    readonly owner = 'octo-org',
    readonly repo = 'agent-app',
  ) {}

  /** Base URL to use as GITHUB_API_URL / octokit's `baseUrl`. */
  get url(): string {
    return this.origin;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`fake crashed: ${(error as Error).stack ?? String(error)}`);
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Adds comments as if people (or a bot) had written them earlier. */
  seed(issue: number, count: number, make: (i: number) => { body: string; login?: string; type?: 'User' | 'Bot' }): void {
    for (let i = 0; i < count; i++) {
      const { body, login = `reviewer${i % 7}`, type = 'User' } = make(i);
      this.addComment(issue, body, login, type);
    }
  }

  commentsOn(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  private addComment(issue: number, body: string, login: string, type: 'User' | 'Bot'): FakeComment {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, this.nextId)).toISOString();
    const comment: FakeComment = { id: this.nextId++, issue, body, login, type, createdAt: at, updatedAt: at };
    this.comments.push(comment);
    return comment;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        this.violations.push(`${method} ${url.pathname}: body is not JSON: ${text.slice(0, 80)}`);
      }
    }
    const authorization = req.headers.authorization;
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, ...(authorization ? { authorization } : {}) });
    this.violations.push(...this.api.validateRequest(method, url, body));

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.violations.push(...this.api.validateResponse(method, url.pathname, status, payload));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(payload));
    };
    const error = (status: number, message: string): void =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) });

    const token = authorization?.replace(/^(token|bearer)\s+/i, '');
    if (token !== this.token) return error(401, 'Bad credentials');

    const base = `/repos/${this.owner}/${this.repo}`;
    let m: RegExpExecArray | null;
    if (method === 'GET' && url.pathname === '/user') {
      return error(403, 'Resource not accessible by integration');
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(url.pathname))) {
      const issue = Number(m[1]);
      if (method === 'GET') {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = this.commentsOn(issue);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const items = all.slice((page - 1) * perPage, page * perPage).map((c) => this.toJson(c));
        const link = (p: number, rel: string): string => `<${this.origin}${url.pathname}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
        const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
        return send(200, items, links.length ? { link: links.join(', ') } : {});
      }
      if (method === 'POST') {
        if (this.readOnly) return error(403, 'Resource not accessible by integration');
        const created = this.addComment(issue, (body as { body: string }).body, 'github-actions[bot]', 'Bot');
        return send(201, this.toJson(created), { location: `${this.origin}${base}/issues/comments/${created.id}` });
      }
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(url.pathname)) && method === 'PATCH') {
      if (this.readOnly) return error(403, 'Resource not accessible by integration');
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return error(404, 'Not Found');
      comment.body = (body as { body: string }).body;
      comment.updatedAt = new Date(Date.parse(comment.updatedAt) + 60_000).toISOString();
      return send(200, this.toJson(comment));
    }
    error(404, 'Not Found');
  }

  /** The comment as GitHub returns it (the `issue-comment` schema's required fields and a few more). */
  private toJson(c: FakeComment): Record<string, unknown> {
    const api = `https://api.github.com/repos/${this.owner}/${this.repo}`;
    const userId = c.type === 'Bot' ? 41898282 : 100 + c.login.length;
    const userUrl = `https://api.github.com/users/${encodeURIComponent(c.login)}`;
    return {
      id: c.id,
      node_id: `IC_kwDO${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: {
        login: c.login,
        id: userId,
        node_id: `U_${userId}`,
        avatar_url: `https://avatars.githubusercontent.com/u/${userId}?v=4`,
        gravatar_id: '',
        url: userUrl,
        html_url: `https://github.com/${c.login}`,
        followers_url: `${userUrl}/followers`,
        following_url: `${userUrl}/following{/other_user}`,
        gists_url: `${userUrl}/gists{/gist_id}`,
        starred_url: `${userUrl}/starred{/owner}{/repo}`,
        subscriptions_url: `${userUrl}/subscriptions`,
        organizations_url: `${userUrl}/orgs`,
        repos_url: `${userUrl}/repos`,
        events_url: `${userUrl}/events{/privacy}`,
        received_events_url: `${userUrl}/received_events`,
        type: c.type,
        site_admin: false,
      },
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
