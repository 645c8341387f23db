import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Case } from '../../model/case.js';
import type { RunArtifact } from '../../model/run-artifact.js';
import { UsageError } from '../usage-error.js';
import type { CliAssets } from '../main.js';
import { promote } from './promote.js';

const assets: CliAssets = { workerUrl: new URL('../../../dist/worker.js', import.meta.url), tsHooksUrl: new URL('../../../dist/ts-hooks.js', import.meta.url), version: 'test' };

const RUN: RunArtifact = {
  format: 'rehearse.run',
  version: 1,
  runId: 'run-42',
  agent: {},
  startedAt: '2026-01-15T10:00:00.000Z',
  endedAt: '2026-01-15T10:00:01.000Z',
  durationMs: 1000,
  input: { q: 'refund A-1' },
  timeline: [{ type: 'tool', name: 'issue_refund', args: { orderId: 'A-1' }, error: { message: 'declined', name: 'DeclinedError' } }],
  error: { message: 'unhandled decline' },
  status: 'errored',
};

function project(): { dir: string; runFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-promote-cmd-'));
  const runFile = join(dir, 'run.json');
  writeFileSync(runFile, JSON.stringify(RUN));
  return { dir, runFile };
}

function io(dir: string) {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  const err = new PassThrough();
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  return { io: { cwd: dir, stdout: out, stderr: err }, output: () => ({ stdout, stderr }) };
}

describe('rehearse promote (in process)', () => {
  it('reviews interactively on a terminal: toggles, adds, retitles, writes', async () => {
    const { dir, runFile } = project();
    const { io: cliIo, output } = io(dir);
    const input = new PassThrough();
    input.end(['1', '+ {"type":"tool-not-called","tool":"issue_refund"}', 't Unhandled card decline', '', 'y'].map((l) => `${l}\n`).join(''));
    const code = await promote([runFile, '--suite', 'payments', '--id', 'decline'], cliIo, assets, { input, interactive: true });
    expect(output().stderr).toBe('');
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'suites', 'payments', 'decline.case.json'), 'utf8')) as Case;
    expect(written.title).toBe('Unhandled card decline');
    expect(written.assertions).toEqual([{ type: 'tool-not-called', tool: 'issue_refund' }]);
    expect(written.outcome).toMatchObject({ status: 'errored', failure: { atStep: 0 } });
    expect(output().stdout).toContain('Failing step: 0 (first tool error) issue_refund {"orderId":"A-1"} threw DeclinedError');
    expect(output().stdout).toContain('npx rehearse run suites/payments/decline.case.json');
  });

  it('quitting the review writes nothing and exits 1', async () => {
    const { dir, runFile } = project();
    const { io: cliIo, output } = io(dir);
    const input = new PassThrough();
    input.end('q\n');
    expect(await promote([runFile, '--suite', 'payments'], cliIo, assets, { input, interactive: true })).toBe(1);
    expect(output().stderr).toContain('nothing was written');
  });

  it('--yes with --assert adds validated specs; a bad --assert is a usage error', async () => {
    const { dir, runFile } = project();
    const { io: cliIo } = io(dir);
    const input = new PassThrough();
    const code = await promote([runFile, '--suite', 's', '--id', 'x', '--yes', '--assert', '{"type":"max-steps","max":3}'], cliIo, assets, { input });
    expect(code).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'suites', 's', 'x.case.json'), 'utf8')) as Case;
    expect(written.assertions).toEqual([{ type: 'no-error' }, { type: 'max-steps', max: 3 }]);
    expect(written.$schema).toMatch(/schema\/case\.schema\.json$/);
    await expect(promote([runFile, '--suite', 's', '--id', 'y', '--yes', '--assert', '{"type":"max-steps"}'], cliIo, assets, { input })).rejects.toThrow(UsageError);
  });

  it('--force replaces an existing case; a missing --suite or a bad --at-step is a usage error', async () => {
    const { dir, runFile } = project();
    mkdirSync(join(dir, 'suites', 's'), { recursive: true });
    writeFileSync(join(dir, 'suites', 's', 'x.case.json'), '{}');
    const { io: cliIo } = io(dir);
    const input = new PassThrough();
    expect(await promote([runFile, '--suite', 's', '--id', 'x', '--yes', '--force'], cliIo, assets, { input })).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'suites', 's', 'x.case.json'), 'utf8')).id).toBe('x');
    await expect(promote([runFile], cliIo, assets, { input })).rejects.toThrow(/needs --suite/);
    await expect(promote([runFile, '--suite', 's', '--at-step=-1'], cliIo, assets, { input })).rejects.toThrow(/--at-step must be/);
  });

  it('an unreadable or content-less source exits 2 with the reason', async () => {
    const { dir } = project();
    const { io: cliIo, output } = io(dir);
    expect(await promote([join(dir, 'missing.json'), '--suite', 's', '--yes'], cliIo, assets, { input: new PassThrough() })).toBe(2);
    expect(output().stderr).toMatch(/cannot read .*missing\.json/);
  });
});

describe('flags', () => {
  it('an unknown flag is a usage error', async () => {
    const { dir, runFile } = project();
    await expect(promote([runFile, '--suite', 's', '--bogus'], io(dir).io, assets, { input: new PassThrough() })).rejects.toThrow(UsageError);
  });
});
