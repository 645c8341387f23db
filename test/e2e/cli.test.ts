import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/model/result.js';
import { CLI, copyFixture, REPO_ROOT, type FixtureDir } from './fixture-dir.js';

/*
 * The built CLI (bin/rehearse.js → dist/cli.js) run as a child process on a temp copy of
 * test/fixtures/cli-suite: a TypeScript agent that imports `rehearse`, loaded with no build step.
 * The suite holds one case of each verdict a first run can give: fixed, passing, still failing.
 */

let fixture: FixtureDir;
beforeAll(() => {
  fixture = copyFixture('cli-suite');
});
afterAll(() => fixture.remove());

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a plain, non-CI shell: no colour forcing, no CI commit. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'GITHUB_SHA', 'GITHUB_ACTIONS', 'CI']) if (!(key in extra)) delete env[key];
  return env;
}

function rehearse(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? fixture.dir, env: cleanEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let validateResults: ((data: unknown) => boolean) & { errors?: unknown } | undefined;
function resultsSchemaErrors(data: unknown): unknown {
  if (!validateResults) {
    const require = createRequire(import.meta.url);
    const Ajv2020 = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validateResults = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schema/results.schema.json'), 'utf8')));
  }
  return validateResults(data) ? null : validateResults.errors;
}

function readJson<T = RunResults>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const CASE_LINE = /^[✓✗↯!] +(passed|failed|diverged|errored) +\S+ +\d+(\.\d+)? m?s$/;

describe('rehearse run', () => {
  test('prints one line per case and a summary, writes a results file that validates against its schema, exits 0', async () => {
    const { code, stdout, stderr } = await rehearse(['run']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const caseLines = lines.filter((l) => CASE_LINE.test(l));
    expect(caseLines.map((l) => l.split(/ +/)[2]).sort()).toEqual(['shop/lost-still-failing', 'shop/processing-passing', 'shop/shipped-fixed']);
    expect(stdout).toMatch(/^1 fixed, 1 still failing, 1 passing · 3 cases in \d/m);
    // The failed assertion is explained under the case.
    expect(stdout).toContain('expected output at /reply to contain "lost"; it was "Order A-103 is on its way."');
    // Piped output is never coloured.
    expect(stdout).not.toContain('\u001b[');

    const results = readJson(join(fixture.dir, 'rehearse-results.json'));
    expect(resultsSchemaErrors(results)).toBeNull();
    expect(results).toMatchObject({ format: 'rehearse.results', version: 1, repeat: 1, totals: { cases: 3, passed: 2, failed: 1, diverged: 0, errored: 0 } });
    const fixed = results.cases.find((c) => c.id === 'shipped-fixed')!;
    expect(fixed.attempts[0]?.output).toEqual({ reply: 'Order A-101 has shipped (tracking JD0146).' });
    expect(fixed.attempts[0]?.timeline).toEqual([{ type: 'tool', name: 'lookup_order', args: { orderId: 'A-101' }, result: { orderId: 'A-101', status: 'shipped', tracking: 'JD0146' } }]);
    // The TypeScript agent was transpiled once and cached in the project's node_modules.
    expect(existsSync(join(fixture.dir, 'node_modules/.cache/rehearse/ts'))).toBe(true);
  });

  test('exits 1 when a case regressed', async () => {
    const { code, stdout } = await rehearse(['run', 'more', '--out', 'out/regressed.json']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Regressed \(1\)$/m);
    expect(resultsSchemaErrors(readJson(join(fixture.dir, 'out/regressed.json')))).toBeNull();
  });

  test('an agent that fails to load: every case errored with AGENT_LOAD_FAILED, exit 1', async () => {
    writeFileSync(join(fixture.dir, 'src/broken-agent.ts'), 'export const shopAgent = (: number) => 1;\n');
    writeFileSync(join(fixture.dir, 'broken.config.json'), JSON.stringify({ agent: { module: './src/broken-agent.ts', export: 'shopAgent' } }));
    const { code } = await rehearse(['run', '--config', 'broken.config.json', '--out', 'out/broken.json']);
    expect(code).toBe(1);
    const results = readJson(join(fixture.dir, 'out/broken.json'));
    expect(results.cases).toHaveLength(3);
    for (const c of results.cases) expect(c.error).toMatchObject({ code: 'AGENT_LOAD_FAILED' });
    expect(results.cases[0]?.error?.message).toContain('broken-agent.ts');
    expect(resultsSchemaErrors(results)).toBeNull();
  });
});

describe.concurrent('options', () => {
  test('--filter keeps cases whose key or title contains the text', async () => {
    const { code, stdout } = await rehearse(['run', '--filter', 'Tracking Number', '--out', 'out/filter.json']);
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((l) => CASE_LINE.test(l))).toEqual([expect.stringContaining('shop/shipped-fixed')]);
    expect(readJson(join(fixture.dir, 'out/filter.json')).cases.map((c) => c.id)).toEqual(['shipped-fixed']);
  });

  test('--tag keeps cases with any of the tags', async () => {
    const { stdout } = await rehearse(['run', '--tag', 'lost', '--tag', 'tracking', '--out', 'out/tag.json']);
    expect(readJson(join(fixture.dir, 'out/tag.json')).cases.map((c) => c.id)).toEqual(['lost-still-failing', 'shipped-fixed']);
    expect(stdout).toContain('2 cases');
  });

  test('--repeat 3 --json: three attempts per case, and stdout is the results JSON alone', async () => {
    const { code, stdout } = await rehearse(['run', '--repeat', '3', '--json', '--out', 'out/repeat.json']);
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as RunResults;
    expect(results.repeat).toBe(3);
    expect(results.cases).toHaveLength(3);
    for (const c of results.cases) expect(c.attempts).toHaveLength(3);
    const passing = results.cases.find((c) => c.id === 'processing-passing');
    expect(passing?.passes).toBe(3);
    // In full, as in the results file: the run keeps plain passes slim in memory, --json must not show that.
    expect(passing?.attempts[0]?.timeline.length).toBeGreaterThan(0);
    expect(passing?.attempts[0]?.output).toBeDefined();
    expect(resultsSchemaErrors(results)).toBeNull();
    expect(readJson(join(fixture.dir, 'out/repeat.json')).runId).toBe(results.runId);
  });

  test('--out writes the results file where it is told, creating folders', async () => {
    const { code } = await rehearse(['run', '--out', 'out/deeper/here.json', '--filter', 'processing']);
    expect(code).toBe(0);
    expect(readJson(join(fixture.dir, 'out/deeper/here.json')).cases.map((c) => c.id)).toEqual(['processing-passing']);
  });
});

describe('baselines', () => {
  test('--save-baseline writes one; --baseline compares with it instead of the captured outcomes', async () => {
    rmSync(join(fixture.dir, '.rehearse'), { recursive: true, force: true });
    const saved = await rehearse(['run', '--save-baseline', '--out', 'out/base-run.json']);
    expect(saved.code).toBe(0);
    const baselinePath = join(fixture.dir, '.rehearse/baseline.json');
    expect(saved.stderr).toBe(`rehearse: baseline saved to ${baselinePath}\n`);
    expect(resultsSchemaErrors(readJson(baselinePath))).toBeNull();
    // The baseline is the run's results file, every case in full (passing ones with their timeline).
    expect(readFileSync(baselinePath, 'utf8')).toBe(readFileSync(join(fixture.dir, 'out/base-run.json'), 'utf8'));
    expect(readJson(baselinePath).cases.find((c) => c.id === 'processing-passing')?.attempts[0]?.timeline.length).toBeGreaterThan(0);

    const compared = await rehearse(['run', '--baseline', '--out', 'out/head-run.json']);
    expect(compared.code).toBe(0);
    // Against the baseline, the captured failure that passed there is no longer "fixed": it was passing already.
    expect(compared.stdout).toMatch(/^1 still failing, 2 passing · 3 cases in /m);
    expect(compared.stdout).not.toMatch(/^Fixed/m);

    const missing = await rehearse(['run', '--baseline', 'nowhere.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no baseline at');
  });
});

describe.concurrent('usage and config errors exit 2', () => {
  test.each([
    [['run', '--bogus'], "Unknown option '--bogus'"],
    [['run', '--repeat', '0'], '--repeat must be a whole number of at least 1; got "0"'],
    [['run', '--concurrency', 'many'], '--concurrency must be a whole number of at least 1; got "many"'],
    [['run', '--fail-on', 'sometimes'], '--fail-on must be one of regressed, failing, never; got "sometimes"'],
    [['run', '--filter', '/(/'], '--filter /(/ is not a valid regular expression'],
    [['launch'], 'unknown command "launch"'],
    [['run', '--config', 'missing.config.json'], 'config file missing.config.json does not exist'],
  ])('rehearse %j', async (args, message) => {
    const { code, stderr, stdout } = await rehearse(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });

  test('no config in the working directory', async () => {
    const { code, stderr } = await rehearse(['run'], { cwd: join(fixture.dir, 'suites') });
    expect(code).toBe(2);
    expect(stderr).toContain('no config found in');
  });

  test('an invalid config names every problem by JSON pointer', async () => {
    writeFileSync(join(fixture.dir, 'invalid.config.json'), JSON.stringify({ agent: { module: 42 }, concurrency: 0, tools: { clock: { match: 'fuzzy' } }, colour: 'red' }));
    const { code, stderr } = await rehearse(['run', '--config', 'invalid.config.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('invalid config');
    for (const line of ['/colour: unknown option "colour"', '/agent/module: must be the path of the agent module', '/concurrency: must be a whole number of at least 1', '/tools/clock/match: must be one of exact, ignore, sequential, nearest, live']) {
      expect(stderr).toContain(line);
    }
  });

  test('a config whose agent module does not exist points at /agent/module', async () => {
    writeFileSync(join(fixture.dir, 'gone.config.json'), JSON.stringify({ agent: { module: './src/gone.ts' } }));
    const { code, stderr } = await rehearse(['run', '--config', 'gone.config.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('gone.config.json#/agent/module: agent module ./src/gone.ts not found');
  });
});

describe('colour', () => {
  /** Runs the CLI under a pseudo-terminal (util-linux `script`), so stdout is a TTY as in a developer's shell. */
  function inTerminal(env: Record<string, string>): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} run --filter fixed --out out/tty.json`;
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: fixture.dir, env: cleanEnv({ TERM: 'xterm-256color', ...env }) });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
  }
  // util-linux `script` (Linux CI runners); BSD/macOS `script` takes other flags.
  const hasScript = process.platform === 'linux' && (existsSync('/usr/bin/script') || existsSync('/bin/script'));

  test.runIf(hasScript)('a terminal gets colours, and NO_COLOR turns them off', async () => {
    const [coloured, plain] = await Promise.all([inTerminal({}), inTerminal({ NO_COLOR: '1' })]);
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('shop/shipped-fixed');
    expect(coloured.stdout).toContain('\u001b[');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('shop/shipped-fixed');
    expect(plain.stdout).not.toContain('\u001b[');
  });
});
