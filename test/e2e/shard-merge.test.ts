import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/model/result.js';
import { CLI, REPO_ROOT } from './fixture-dir.js';

/*
 * Sharding end to end: the built CLI runs a small suite whole, then as two shards, and `rehearse merge`
 * joins the shards. The merged file must hold the same cases as the whole run and report the same.
 * The project is written here (a plain .mjs agent, no build step) in a temp folder with
 * node_modules/rehearse linked to this checkout, as a user's project has it.
 */

let dir: string;

/** Orders whose lookup the agent answers right, and orders it gets wrong (the "lost" status). */
const CASES = [
  ['billing', 'refund-ok', 'shipped'],
  ['billing', 'refund-lost', 'lost'],
  ['billing', 'invoice', 'processing'],
  ['shop', 'status-shipped', 'shipped'],
  ['shop', 'status-processing', 'processing'],
  ['shop', 'status-lost', 'lost'],
  ['shop', 'late-parcel', 'lost'],
  ['support', 'where-is-it', 'shipped'],
  ['support', 'packing', 'processing'],
  ['support', 'gone', 'lost'],
] as const;

const AGENT = `import { recordableTools } from 'rehearse';
const tools = recordableTools({
  lookup_order: async () => { throw new Error('not reachable from tests'); },
});
const REPLIES = { shipped: 'has shipped', processing: 'is being packed', lost: 'is on its way' };
export default async function agent(input) {
  const order = await tools.lookup_order({ orderId: input.orderId });
  return { reply: 'Order ' + order.orderId + ' ' + REPLIES[order.status] + '.' };
}
`;

function caseFile(id: string, status: string, n: number): string {
  const orderId = `A-${100 + n}`;
  const expected = status === 'lost' ? 'lost' : status === 'shipped' ? 'has shipped' : 'being packed';
  return JSON.stringify({
    format: 'rehearse.case',
    version: 1,
    id,
    title: `${id} answered right`,
    tags: [],
    input: { orderId },
    timeline: [{ type: 'tool', name: 'lookup_order', args: { orderId }, result: { orderId, status } }],
    outcome: { status: status === 'lost' ? 'failed' : 'ok', output: { reply: 'captured' } },
    assertions: [{ type: 'contains', value: expected, path: '/reply' }],
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-shard-e2e-'));
  writeFileSync(join(dir, 'agent.mjs'), AGENT);
  writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: './agent.mjs' }, timeoutMs: 5000 }));
  CASES.forEach(([suite, id, status], n) => {
    mkdirSync(join(dir, 'suites', suite), { recursive: true });
    writeFileSync(join(dir, 'suites', suite, `${id}.case.json`), caseFile(id, status, n));
  });
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO_ROOT, join(dir, 'node_modules/rehearse'), 'dir');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI in the project folder, with the environment of a plain shell (no CI variables). */
function rehearse(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'GITHUB_SHA', 'GITHUB_ACTIONS', 'GITHUB_RUN_ID', 'GITHUB_RUN_ATTEMPT', 'GITHUB_STEP_SUMMARY', 'CI']) if (!(key in env)) delete clean[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: clean });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function read(name: string): RunResults {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunResults;
}

/** Arguments of a shell line `npx rehearse …` (the documented lines use only plain and single-quoted words). */
function argsOf(line: string): string[] {
  return [...line.replace(/^npx rehearse /, '').matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

function schemaErrors(data: unknown): unknown {
  const require = createRequire(import.meta.url);
  const Ajv2020 = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schema/results.schema.json'), 'utf8')));
  return validate(data) ? null : validate.errors;
}

const essentials = (results: RunResults) => results.cases.map((c) => ({ key: c.key, file: c.file, status: c.status, passes: c.passes }));
/** Report text with timings blanked: the merged run and the whole run took different times. */
const untimed = (text: string) => text.replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'T');

describe('rehearse run --shard and rehearse merge', () => {
  let whole: RunResults;
  let merged: RunResults;

  test('two shards split the suite without overlap, and merge into the same cases as an unsharded run', async () => {
    const full = await rehearse(['run', '--out', 'whole.json', '--reporter', 'json']);
    expect(full.stderr).toBe('');
    expect(full.code).toBe(0);
    whole = read('whole.json');
    expect(whole.totals).toMatchObject({ cases: 10, passed: 6, failed: 4 });

    const [one, two] = await Promise.all([
      rehearse(['run', '--shard', '1/2', '--out', 'results-1.json', '--reporter', 'json'], { GITHUB_RUN_ID: '4711', GITHUB_RUN_ATTEMPT: '1' }),
      // A re-run attempt of the same workflow run still belongs to it.
      rehearse(['run', '--shard', '2/2', '--out', 'results-2.json', '--reporter', 'json'], { GITHUB_RUN_ID: '4711', GITHUB_RUN_ATTEMPT: '2' }),
    ]);
    expect([one.code, two.code, one.stderr, two.stderr]).toEqual([0, 0, '', '']);
    const first = read('results-1.json');
    const second = read('results-2.json');
    expect([first.shard, second.shard]).toEqual(['1/2', '2/2']);
    expect([first.runGroup, second.runGroup]).toEqual(['github-run-4711', 'github-run-4711']);
    expect(first.cases.length).toBeGreaterThan(0);
    expect(second.cases.length).toBeGreaterThan(0);
    const firstKeys = new Set(first.cases.map((c) => c.key));
    expect(second.cases.filter((c) => firstKeys.has(c.key))).toEqual([]);
    expect(first.cases.length + second.cases.length).toBe(10);

    const merge = await rehearse(['merge', 'results-*.json', '--out', 'merged.json']);
    expect(merge.stderr).toBe('');
    expect(merge.code).toBe(0);
    expect(merge.stdout).toBe('merged 2 results files into merged.json: 10 cases (6 passed, 4 failed, 0 diverged, 0 errored)\n');
    merged = read('merged.json');
    expect(schemaErrors(merged)).toBeNull();
    expect(schemaErrors(first)).toBeNull();
    expect(essentials(merged)).toEqual(essentials(whole));
    expect(merged.totals).toEqual(whole.totals);
    expect(merged).not.toHaveProperty('shard');
    expect(merged.runGroup).toBe('github-run-4711');
    expect(merged.durationMs).toBe(Math.max(first.durationMs, second.durationMs));
    expect(merged.startedAt).toBe([first.startedAt, second.startedAt].sort()[0]);

    // Merging again does not pick up its own output through the glob.
    const again = await rehearse(['merge', 'results-*.json', '--out', 'results-merged.json']);
    expect(again.code).toBe(0);
    expect((await rehearse(['merge', 'results-*.json', '--out', 'results-merged.json'])).stdout).toContain('merged 2 results files');
  });

  test('reports from the merged file read like reports from the whole run', async () => {
    for (const reporter of ['summary', 'terminal']) {
      const fromMerged = await rehearse(['report', '--from', 'merged.json', '--reporter', reporter]);
      const fromWhole = await rehearse(['report', '--from', 'whole.json', '--reporter', reporter]);
      expect(fromMerged.code, fromMerged.stderr).toBe(0);
      expect(untimed(fromMerged.stdout), reporter).toBe(untimed(fromWhole.stdout));
      expect(fromMerged.stdout).toContain('still failing');
    }
    // JUnit goes to rehearse-junit.xml.
    const junit: string[] = [];
    for (const from of ['merged.json', 'whole.json']) {
      expect((await rehearse(['report', '--from', from, '--reporter', 'junit'])).code).toBe(0);
      junit.push(untimed(readFileSync(join(dir, 'rehearse-junit.xml'), 'utf8')).replace(/time="[\d.]+"/g, 'time="T"').replace(/timestamp="[^"]+"/g, ''));
    }
    expect(junit[0]).toBe(junit[1]);
    expect(junit[0]).toContain('<testcase');
    const compared = await rehearse(['compare', '--base', 'whole.json', '--head', 'merged.json', '--reporter', 'summary']);
    expect(compared.code).toBe(0);
  });

  test('merge refuses a missing shard (exit 2, naming the file given), and --allow-partial marks the result partial', async () => {
    const refused = await rehearse(['merge', 'results-2.json', '--out', 'half.json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'rehearse: cannot merge: shard 1/2 is missing (given: 2/2 in results-2.json); pass every shard\'s results file, or --allow-partial to merge what there is (marked partial)\n',
    );
    const allowed = await rehearse(['merge', 'results-2.json', '--out', 'half.json', '--allow-partial']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('rehearse: warning: shard 1/2 is missing');
    expect(read('half.json').partial).toBe(true);
  });

  test('merge refuses shards of different runs, a shard twice, a newer format, and bad arguments', async () => {
    const other = await rehearse(['run', '--shard', '1/2', '--run-group', 'nightly-9', '--out', 'other-1.json', '--reporter', 'json']);
    expect(other.code).toBe(0);
    const mixed = await rehearse(['merge', 'other-1.json', 'results-2.json']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('the results files come from different runs (runGroup "nightly-9" in other-1.json; "github-run-4711" in results-2.json)');

    writeFileSync(join(dir, 'copy-1.json'), readFileSync(join(dir, 'results-1.json')));
    const twice = await rehearse(['merge', 'results-1.json', 'copy-1.json', 'results-2.json']);
    expect([twice.code, twice.stderr]).toEqual([2, 'rehearse: cannot merge: results-1.json and copy-1.json are both shard 1/2; pass each shard once\n']);

    const newer = { ...read('results-2.json'), version: 99 };
    writeFileSync(join(dir, 'future.json'), JSON.stringify(newer));
    const future = await rehearse(['merge', 'results-1.json', 'future.json']);
    expect(future.code).toBe(2);
    expect(future.stderr).toBe('rehearse: future.json: results format version 99 is newer than this rehearse supports (newest: 1); upgrade rehearse to read it\n');

    const bare = await rehearse(['merge']);
    expect([bare.code, bare.stderr.split('\n')[0]]).toEqual([2, 'rehearse: merge needs the results files of the shards']);
    const noMatch = await rehearse(['merge', 'nothing-*.json']);
    expect([noMatch.code, noMatch.stderr]).toEqual([2, `rehearse: "nothing-*.json" matches no results files in ${dir}; check the artifact download path\n`]);
    const unknown = await rehearse(['merge', 'results-1.json', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
  });

  test('run --shard with durations from an earlier run, and a usage error for a bad --shard', async () => {
    const balanced = await rehearse(['run', '--shard', '1/3', '--shard-durations', 'whole.json', '--out', 'timed-1.json', '--reporter', 'json']);
    expect([balanced.code, balanced.stderr]).toEqual([0, '']);
    const timed = await Promise.all([2, 3].map((i) => rehearse(['run', '--shard', `${i}/3`, '--shard-durations', 'whole.json', '--out', `timed-${i}.json`, '--reporter', 'json'])));
    expect(timed.map((r) => r.code)).toEqual([0, 0]);
    const keys = [1, 2, 3].flatMap((i) => read(`timed-${i}.json`).cases.map((c) => c.key));
    expect(keys.sort()).toEqual(whole.cases.map((c) => c.key).sort());

    const bad = await rehearse(['run', '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--shard 3/2: i must be between 1 and n (2); got 3');
  });
});

describe('the workflow in docs/sharding.md', () => {
  test('its rehearse commands, run as the jobs run them, merge and report the whole suite', async () => {
    const { parse } = await import('yaml');
    const markdown = readFileSync(join(REPO_ROOT, 'docs/sharding.md'), 'utf8');
    const workflow = parse(/```yaml\n([\s\S]*?)```/.exec(markdown)![1]!) as {
      jobs: Record<string, { strategy?: { matrix: { shard: number[] } }; steps: { run?: string; uses?: string; with?: Record<string, unknown> }[] }>;
    };
    const { rehearse: shardJob, 'rehearse-report': reportJob } = workflow.jobs;
    const shards = shardJob!.strategy!.matrix.shard;
    expect(shards).toEqual([1, 2, 3, 4]);
    const runLine = shardJob!.steps.find((s) => s.run?.startsWith('npx rehearse run'))!.run!;
    const upload = shardJob!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!.with!;
    const download = reportJob!.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!.with!;
    mkdirSync(join(dir, download.path as string), { recursive: true });
    for (const shard of shards) {
      const line = runLine.replaceAll('${{ matrix.shard }}', String(shard));
      const run = await rehearse(argsOf(line), { GITHUB_RUN_ID: '808', GITHUB_RUN_ATTEMPT: '1' });
      expect([run.code, run.stderr], line).toEqual([0, '']);
      // download-artifact with merge-multiple puts every shard's file in one folder.
      const uploaded = (upload.path as string).replaceAll('${{ matrix.shard }}', String(shard));
      copyFileSync(join(dir, uploaded), join(dir, download.path as string, uploaded));
    }
    const later = reportJob!.steps.filter((s) => s.run?.startsWith('npx rehearse')).map((s) => s.run!.trim());
    expect(later.map((l) => argsOf(l)[0])).toEqual(['merge', 'report']);
    const merge = await rehearse(argsOf(later[0]!));
    expect([merge.code, merge.stderr]).toEqual([0, '']);
    expect(merge.stdout).toContain('merged 4 results files into merged.json: 10 cases');
    expect(essentials(read('merged.json'))).toEqual(essentials(read('whole.json')));
    const report = await rehearse(argsOf(later[1]!));
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('still failing');
  });
});
