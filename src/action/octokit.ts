import { getOctokit } from '@actions/github';
import type { RestRequest } from './comment.js';

/**
 * The REST `request` function for a token, from @actions/github (which honours the runner's proxy settings).
 * `baseUrl` is the API root: `GITHUB_API_URL` on a runner (GitHub Enterprise Server has its own).
 */
export function restRequestFor(token: string, baseUrl: string): RestRequest {
  const octokit = getOctokit(token, { baseUrl });
  return async (route, params) => {
    const res = await octokit.request(route, params ?? {});
    return { status: res.status, data: res.data, headers: res.headers as Record<string, string | number | undefined> };
  };
}
