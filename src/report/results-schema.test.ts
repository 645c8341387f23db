import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { AttemptResult, CaseResult, RunResults } from '../model/index.js';
import { realisticComparison } from './comparison-fixture.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/results.schema.json', import.meta.url), 'utf8'));

async function validator() {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  return ajv.compile(schema);
}

/*
 * Objects with every optional field set. `Required<…>` makes TypeScript fail here when a field is added to
 * the model, and the key comparison below fails when the schema and the model disagree.
 */
const fullAttempt: Required<AttemptResult> = {
  status: 'diverged',
  durationMs: 5,
  score: 0.5,
  assertions: [{ type: 'tool-args', name: 'args', pass: false, score: 0.5, message: 'differs', evidence: { expected: 1, actual: 2 }, error: 'x' }],
  output: { text: 'hi' },
  error: { code: 'AGENT_THREW', message: 'boom', name: 'Error', stack: 'Error: boom', file: 'a.ts', pointer: '/x', issues: [{ pointer: '/x', message: 'bad' }] },
  divergence: { kind: 'unmatched-tool-call', step: 1, message: 'no match', tool: 'search', args: { q: 1 }, nearest: { step: 0, args: { q: 2 }, diff: [] }, target: 'x' },
  timeline: [
    { type: 'model', model: 'm', request: { messages: [{ role: 'user', content: 'hi' }] }, response: { text: 'ok', usage: { inputTokens: 1 } } },
    { type: 'tool', name: 'search', args: { q: 1 }, error: { message: 'nope', code: 'E' } },
  ],
  usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, totalTokens: 3 },
  costUsd: 0.01,
  drift: [{ step: 0, message: 'model call #1 was answered with the recorded answer of step 0, but its request changed' }],
  cache: { hits: 1, misses: 1, savedUsd: 0.02 },
};
const fullCase: Required<CaseResult> = {
  key: 's/a',
  suite: 's',
  id: 'a',
  title: 'A',
  tags: ['t'],
  file: 'suites/s/a.case.json',
  captured: 'failed',
  capturedFailureStep: 2,
  recordedTrajectory: [{ tool: 'search', args: {}, failed: true }],
  status: 'diverged',
  passes: 0,
  attempts: [fullAttempt],
  durationMs: 5,
  error: { code: 'CASE_INVALID', message: 'bad' },
};
const fullRun: Required<RunResults> = {
  ...realisticComparison().head,
  commit: 'abc',
  partial: true,
  shard: '1/2',
  runGroup: 'github-run-42',
  compare: { thresholds: { pass: 0.8, fail: 0.2 }, significance: 0.01 },
  cases: [fullCase],
};

describe('schema/results.schema.json', () => {
  test('a realistic results object and one with every field validate', async () => {
    const validate = await validator();
    expect(validate(realisticComparison().head), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(fullRun), JSON.stringify(validate.errors)).toBe(true);
  });

  test('declares exactly the fields of the model, each with a description', () => {
    const defs = schema.$defs;
    expect(Object.keys(schema.properties).filter((k) => k !== '$schema').sort()).toEqual(Object.keys(fullRun).sort());
    expect(Object.keys(defs.CaseResult.properties).sort()).toEqual(Object.keys(fullCase).sort());
    expect(Object.keys(defs.AttemptResult.properties).sort()).toEqual(Object.keys(fullAttempt).sort());
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (record.properties) {
        for (const [key, value] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
          if (!value.description && !value.$ref) missing.push(`${path}/${key}`);
          visit(value, `${path}/${key}`);
        }
      }
      for (const [key, value] of Object.entries(record)) if (key !== 'properties' && typeof value === 'object') visit(value, `${path}/${key}`);
    };
    visit(schema, '');
    expect(missing).toEqual([]);
  });

  test('bad results fail with a pointer to the problem', async () => {
    const validate = await validator();
    const good = realisticComparison().head;
    const cases: [string, unknown, string][] = [
      ['wrong format', { ...good, format: 'rehearse.case' }, '/format'],
      ['missing runId', { ...good, runId: undefined }, ''],
      ['unknown status', { ...good, cases: [{ ...good.cases[0], status: 'great' }] }, '/cases/0/status'],
      ['negative passes', { ...good, cases: [{ ...good.cases[0], passes: -1 }] }, '/cases/0/passes'],
      ['score above 1', { ...good, cases: [{ ...good.cases[0], attempts: [{ ...good.cases[0]!.attempts[0], score: 2 }] }] }, '/cases/0/attempts/0/score'],
      ['unknown field', { ...good, extra: true }, ''],
      ['bad shard', { ...good, shard: '0/2' }, '/shard'],
      ['bad error code', { ...good, cases: [{ ...good.cases[0], error: { code: 'NOPE', message: 'x' } }] }, '/cases/0/error/code'],
    ];
    for (const [label, value, pointer] of cases) {
      const doc = JSON.parse(JSON.stringify(value));
      expect(validate(doc), label).toBe(false);
      expect(validate.errors?.some((e) => e.instancePath === pointer), `${label}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
