import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeGitHub } from './fake-github.js';
import { INPUT_DEFAULTS } from '../../src/action/inputs.js';
import { REHEARSE_ROOT, type TwoCommitRepo } from './fixture-repo.js';

/** What one run of the bundled Action left behind. */
export interface ActionRun {
  code: number | null;
  /** stdout and stderr together: the job log, with its workflow commands. */
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRunnerSetup {
  github: FakeGitHub;
  repo: TwoCommitRepo;
  /** Scratch folder for event payloads, output and summary files, RUNNER_TEMP. */
  scratch: string;
  /** The pull request number the event payload names (the fixture says 42; other numbers are substituted). */
  pr?: number;
}

export interface RunOptions {
  baseSha?: string;
  /** GITHUB_WORKSPACE and the process's cwd; default the fixture's checkout. A report job may have none. */
  workspace?: string;
}

/**
 * Runs the committed bundle, dist/action/index.js, as the runner would: a child process with every input set as a
 * runner sets them (the defaults from action.yml, then `inputs`), a real pull_request event payload, and
 * GITHUB_API_URL pointing at the loopback fake.
 */
export function actionRunner(setup: ActionRunnerSetup): (inputs?: Record<string, string>, options?: RunOptions) => Promise<ActionRun> {
  let runCount = 0;
  return async (inputs = {}, options = {}) => {
    const { github, repo, scratch } = setup;
    const pr = setup.pr ?? 42;
    const n = ++runCount;
    const workspace = options.workspace ?? repo.checkout;
    const eventPath = join(scratch, `event-${n}.json`);
    let payload = readFileSync(join(REHEARSE_ROOT, 'test/action/fixtures/pull_request.synchronize.json'), 'utf8')
      .replaceAll('HEAD_SHA', repo.headSha)
      .replaceAll('BASE_SHA', options.baseSha ?? repo.baseSha)
      .replaceAll('MERGE_SHA', repo.headSha);
    if (pr !== 42) payload = JSON.stringify({ ...JSON.parse(payload), number: pr, pull_request: { ...JSON.parse(payload).pull_request, number: pr } });
    writeFileSync(eventPath, payload);
    const outputPath = join(scratch, `output-${n}`);
    const summaryPath = join(scratch, `summary-${n}.md`);
    writeFileSync(outputPath, '');
    writeFileSync(summaryPath, '');
    // What the runner passes: action.yml's defaults (kept equal to INPUT_DEFAULTS by action-yml.test.ts), the token, then the test's inputs.
    const withInputs: Record<string, string> = { ...INPUT_DEFAULTS, 'github-token': github.token, ...inputs };
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? scratch,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
      GITHUB_REPOSITORY_OWNER: github.owner,
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: repo.headSha,
      GITHUB_REF: `refs/pull/${pr}/merge`,
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summaryPath,
      GITHUB_OUTPUT: outputPath,
      RUNNER_TEMP: join(scratch, `runner-temp-${n}`),
      NO_PROXY: '127.0.0.1,localhost',
    };
    for (const [name, value] of Object.entries(withInputs)) env[`INPUT_${name.toUpperCase()}`] = value;

    const child = spawn(process.execPath, [join(REHEARSE_ROOT, 'dist/action/index.js')], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, stdout, outputs: parseOutputFile(readFileSync(outputPath, 'utf8')), summary: readFileSync(summaryPath, 'utf8') };
  };
}

/** Reads `GITHUB_OUTPUT` as @actions/core writes it: `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(pattern)) outputs[m[1]!] = m[3]!;
  return outputs;
}
