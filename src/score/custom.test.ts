import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customAssertion, verdictToOutcome } from './custom.js';
import { context, makeRun, sync, tool } from './test-support.js';
import type { SpecOf } from './types.js';

let dir: string;
let caseFile: string;

const checks: Record<string, string> = {
  'refund.mjs': `
    export default (run) => run.timeline.some((e) => e.type === 'tool' && e.name === 'issue_refund');
    export function amountAtMost(run, caseData, options) {
      const call = run.timeline.find((e) => e.type === 'tool' && e.name === 'issue_refund');
      const ok = call.args.amount <= options.max;
      return { pass: ok, score: ok ? 1 : options.max / call.args.amount, message: caseData.id + ': refund of ' + call.args.amount, evidence: { amount: call.args.amount } };
    }
    export const notAFunction = 42;
  `,
  'slow.mjs': `
    export default async (run, caseData, options) => {
      await new Promise((r) => setTimeout(r, 5));
      return { pass: run.output === options.expect, message: 'async check' };
    };
  `,
  'throws.mjs': `
    export default () => { throw new RangeError('no refund in this run'); };
    export const rejects = async () => { throw new Error('async failure'); };
  `,
  'garbage.mjs': `
    export default () => 'yes';
    export const badScore = () => ({ pass: true, score: 7 });
    export const badMessage = () => ({ pass: false, message: 3 });
    export const cyclic = () => { const e = {}; e.self = e; return { pass: true, evidence: e }; };
    export const noPass = async () => ({ score: 1 });
  `,
  'broken.mjs': `export default (; // syntax error`,
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-custom-'));
  mkdirSync(join(dir, 'suites', 'support'), { recursive: true });
  mkdirSync(join(dir, 'checks'));
  for (const [name, source] of Object.entries(checks)) writeFileSync(join(dir, 'checks', name), source);
  caseFile = join(dir, 'suites', 'support', 'refund-1.case.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = makeRun({ output: 'done', timeline: [tool('issue_refund', { amount: 50 })] });
const evaluate = async (spec: Omit<SpecOf<'custom'>, 'type'>, r = run) => customAssertion.evaluate({ type: 'custom', ...spec }, r, context({ id: 'refund-1' }, caseFile));

describe('custom', () => {
  it('runs the default export, resolved from the case file directory', async () => {
    expect(await evaluate({ module: '../../checks/refund.mjs' })).toEqual({ pass: true, score: 1, message: 'custom check ../../checks/refund.mjs passed' });
    expect(await evaluate({ module: '../../checks/refund.mjs' }, makeRun())).toEqual({ pass: false, score: 0, message: 'custom check ../../checks/refund.mjs failed' });
  });

  it('passes run, case data and options to a named export and keeps its verdict', async () => {
    expect(await evaluate({ module: '../../checks/refund.mjs', export: 'amountAtMost', options: { max: 100 } })).toEqual({
      pass: true,
      score: 1,
      message: 'refund-1: refund of 50',
      evidence: { amount: 50 },
    });
    expect(await evaluate({ module: '../../checks/refund.mjs', export: 'amountAtMost', options: { max: 25 } })).toMatchObject({ pass: false, score: 0.5 });
  });

  it('accepts an absolute path and awaits an async check', async () => {
    const module = join(dir, 'checks', 'slow.mjs');
    expect(await evaluate({ module, options: { expect: 'done' } })).toEqual({ pass: true, score: 1, message: 'async check' });
    expect(await evaluate({ module, options: { expect: 'other' } })).toEqual({ pass: false, score: 0, message: 'async check' });
  });

  it('once a module is loaded, a synchronous check answers synchronously', async () => {
    await evaluate({ module: '../../checks/refund.mjs' });
    const outcome = sync(customAssertion.evaluate({ type: 'custom', module: '../../checks/refund.mjs' }, run, context({}, caseFile)));
    expect(outcome.pass).toBe(true);
  });

  it('turns a throwing or rejecting check into an assertion error', async () => {
    expect(await evaluate({ module: '../../checks/throws.mjs' })).toMatchObject({
      pass: false,
      score: 0,
      error: 'custom check ../../checks/throws.mjs threw RangeError: no refund in this run',
    });
    expect((await evaluate({ module: '../../checks/throws.mjs', export: 'rejects' })).error).toBe(
      'custom check ../../checks/throws.mjs#rejects threw Error: async failure',
    );
  });

  it('turns an answer of the wrong shape into an assertion error', async () => {
    const m = '../../checks/garbage.mjs';
    expect((await evaluate({ module: m })).error).toBe(
      `custom check ${m} returned "yes"; return a boolean or { pass: boolean, score?: 0..1, message?: string, evidence?: JSON }`,
    );
    expect((await evaluate({ module: m, export: 'badScore' })).error).toContain('returned score 7; a score must be a number from 0 to 1');
    expect((await evaluate({ module: m, export: 'badMessage' })).error).toContain('returned a number message');
    expect((await evaluate({ module: m, export: 'cyclic' })).error).toContain('returned evidence that is not JSON');
    expect((await evaluate({ module: m, export: 'noPass' })).error).toContain('returned {"score":1}');
  });

  it('errors on a missing file, a module that does not load, or a missing export', async () => {
    const missing = await evaluate({ module: '../../checks/nope.mjs' });
    expect(missing).toMatchObject({ pass: false, score: 0 });
    expect(missing.error).toBe(`cannot load ${join(dir, 'checks', 'nope.mjs')}: file not found (a relative \`module\` is resolved from the case file's directory)`);
    expect((await evaluate({ module: '../../checks/broken.mjs' })).error).toMatch(/^cannot load .*broken\.mjs: /);
    expect((await evaluate({ module: '../../checks/refund.mjs', export: 'missing' })).error).toBe(
      'custom check ../../checks/refund.mjs#missing: export "missing" is missing; the module exports amountAtMost, default, notAFunction',
    );
    expect((await evaluate({ module: '../../checks/refund.mjs', export: 'notAFunction' })).error).toContain('is not a function (number)');
    expect((await evaluate({ module: '' })).error).toContain('custom needs `module`');
  });

  it('verdictToOutcome fills defaults', () => {
    expect(verdictToOutcome({ pass: false }, 'x')).toEqual({ pass: false, score: 0, message: 'custom check x failed' });
    expect(verdictToOutcome({ pass: true, score: 0.5 }, 'x')).toEqual({ pass: true, score: 0.5, message: 'custom check x passed' });
    expect(verdictToOutcome(null, 'x').error).toContain('returned null');
  });

  it('describes itself', () => {
    expect(customAssertion.describe({ type: 'custom', module: './checks/refund.mjs', export: 'amountAtMost' })).toBe('custom ./checks/refund.mjs#amountAtMost');
    expect(customAssertion.describe({ type: 'custom', module: './checks/refund.mjs' })).toBe('custom ./checks/refund.mjs');
  });
});
