import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/model/result.js';
import { CLI, REPO_ROOT } from './fixture-dir.js';

/*
 * A run stopped by SIGINT or SIGTERM (Ctrl-C, a cancelled CI job) still writes a valid results file with
 * the cases that finished, marked partial, and exits 130 / 143.
 */

let dir: string;
const CASES = 40;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-interrupt-'));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, join(dir, 'node_modules/rehearse'), 'dir');
  mkdirSync(join(dir, 'suites/slow'), { recursive: true });
  writeFileSync(join(dir, 'agent.mjs'), `export async function agent(input) {\n  await new Promise((r) => setTimeout(r, 100));\n  return { echo: input.n };\n}\n`);
  writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: './agent.mjs', export: 'agent' }, concurrency: 2 }));
  for (let n = 0; n < CASES; n++) {
    const id = `case-${String(n).padStart(2, '0')}`;
    writeFileSync(
      join(dir, 'suites/slow', `${id}.case.json`),
      JSON.stringify({ format: 'rehearse.case', version: 1, id, title: `slow ${n}`, input: { n }, timeline: [], outcome: { status: 'ok' }, assertions: [{ type: 'equals', path: '/echo', value: n }] }),
    );
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAndSignal(signal: NodeJS.Signals, out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', '--out', out], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Signal once a few cases have finished: the run is then mid-way (40 cases x 100 ms / 2 lanes = 2 s).
      if (!sent && (stdout.match(/passed/g) ?? []).length >= 4) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('an interrupted run', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exit %i, and a results file marked partial with the finished cases', async (signal, expected) => {
    const out = join(dir, `results-${signal}.json`);
    const { code, stderr } = await runAndSignal(signal, out);
    expect(code).toBe(expected);
    expect(stderr).toContain(`${signal}: stopping`);
    const results = JSON.parse(readFileSync(out, 'utf8')) as RunResults;
    expect(results.partial).toBe(true);
    expect(results.cases.length).toBeGreaterThanOrEqual(4);
    expect(results.cases.length).toBeLessThan(CASES);
    expect(results.totals.cases).toBe(results.cases.length);
    expect(results.cases.every((c) => c.status === 'passed')).toBe(true);
  }, 20_000);
});

describe('a run killed outright', () => {
  test('SIGKILL: the results file on disk is still a valid document, marked partial, with the cases finished so far', async () => {
    const out = join(dir, 'results-SIGKILL.json');
    const { code } = await runAndSignal('SIGKILL', out);
    expect(code).toBeNull(); // killed: no exit code, no handler ran
    const results = JSON.parse(readFileSync(out, 'utf8')) as RunResults;
    expect(results.partial).toBe(true);
    expect(results.format).toBe('rehearse.results');
    expect(results.cases.length).toBeGreaterThanOrEqual(1);
    expect(results.cases.length).toBeLessThan(CASES);
    expect(results.totals.cases).toBe(results.cases.length);
    expect(results.totals.passed).toBe(results.cases.length);
  }, 20_000);

  test('a complete run replaces the streamed file with the whole document, in file order, not partial', async () => {
    const out = join(dir, 'results-complete.json');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'run', '--out', out], { cwd: dir, stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as RunResults;
    expect(results.partial).toBeUndefined();
    expect(results.cases.map((c) => c.id)).toEqual(Array.from({ length: CASES }, (_, n) => `case-${String(n).padStart(2, '0')}`));
  }, 20_000);
});
