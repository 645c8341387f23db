import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/model/result.js';
import { CLI } from './fixture-dir.js';

/*
 * The config's thresholds travel with the results file: a case that passes 4 of 5 attempts is "passing" under
 * { pass: 0.8 } and "flaky" under the defaults, and every command that judges the file later (report, compare)
 * must say what the run said. The built CLI as a child process, on a project in a temp folder.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-compare-settings-'));
  // Fails its fifth attempt only: 4/5 passes.
  writeFileSync(join(dir, 'agent.mjs'), `export async function agent(input, ctx) { return { reply: ctx.attempt === 5 ? 'no' : 'yes' }; }\n`);
  writeFileSync(
    join(dir, 'rehearse.config.json'),
    JSON.stringify({ agent: { module: './agent.mjs', export: 'agent' }, repeat: 5, thresholds: { pass: 0.8, fail: 0.2 }, significance: 0.01 }),
  );
  mkdirSync(join(dir, 'suites/s'), { recursive: true });
  writeFileSync(
    join(dir, 'suites/s/answer.case.json'),
    JSON.stringify({ format: 'rehearse.case', version: 1, id: 'answer', title: 'answers yes', input: {}, timeline: [], outcome: { status: 'ok' }, assertions: [{ type: 'contains', value: 'yes' }] }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rehearse(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("the config's thresholds and significance", () => {
  test('are recorded in the results file, and report/compare judge the file by them', () => {
    const run = rehearse('run', '--out', 'head.json', '--reporter', 'summary');
    expect(run.stderr).toBe('');
    const head = JSON.parse(readFileSync(join(dir, 'head.json'), 'utf8')) as RunResults;
    expect(head.compare).toEqual({ thresholds: { pass: 0.8, fail: 0.2 }, significance: 0.01 });
    expect(head.cases[0]?.passes).toBe(4);

    const report = rehearse('report', '--from', 'head.json', '--reporter', 'summary');
    expect(report.stdout).toMatch(/passing/i);
    expect(report.stdout).not.toMatch(/flaky/i);

    // The same file without the recorded settings is judged by the defaults: 4/5 sits between 0 and 1.
    const { compare: _dropped, ...bare } = head;
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(bare));
    expect(rehearse('report', '--from', 'bare.json', '--reporter', 'summary').stdout).toMatch(/flaky/i);

    const compared = rehearse('compare', '--base', 'bare.json', '--head', 'head.json', '--reporter', 'summary');
    expect(compared.stdout).toMatch(/passing/i);
    expect(compared.stdout).not.toMatch(/flaky/i);
  });
});
