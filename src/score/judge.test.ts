import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssertionSpec } from '../model/assertion.js';
import type { Case } from '../model/case.js';
import type { ReplayedRun } from '../model/run.js';
import type { JudgeEnvironment } from '../model-calls/judge-client.js';
import { startFakeProvider, type FakeProvider } from '../model-calls/test-support/fake-provider.js';
import { scoreAttempt } from './score-attempt.js';

const KEY_ENV = 'REHEARSE_TEST_JUDGE_KEY';
let provider: FakeProvider;
let cacheDir: string;

beforeEach(async () => {
  // Plays a grader: reads the output out of the prompt and scores it.
  provider = await startFakeProvider((body) => {
    const messages = (body['messages'] as { content: string }[]) ?? [];
    const prompt = messages.map((m) => m.content).join('\n');
    const good = /Agent output:\n.*refund issued/s.test(prompt);
    return { text: JSON.stringify({ score: good ? 0.9 : 0.2, reason: good ? 'The refund is confirmed.' : 'No refund was issued.' }), usage: { inputTokens: 200, outputTokens: 20 } };
  });
  cacheDir = await mkdtemp(join(tmpdir(), 'rehearse-judge-'));
  process.env[KEY_ENV] = 'sk-judge';
});
afterEach(async () => {
  delete process.env[KEY_ENV];
  await provider.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const caseData = { input: { message: 'Please refund order 42' }, passThreshold: undefined } as unknown as Case;
const spec: AssertionSpec = { type: 'judge', rubric: 'The reply confirms the refund was issued.', threshold: 0.7 };
const runWith = (output: string): ReplayedRun => ({ output, timeline: [], durationMs: 1 });

function env(overrides: Partial<JudgeEnvironment> = {}): JudgeEnvironment {
  return { provider: 'openai', model: 'gpt-4o-mini', baseUrl: `${provider.baseUrl}/v1`, apiKeyEnv: KEY_ENV, cacheDir, ...overrides };
}

async function grade(output: string, judge: JudgeEnvironment | undefined, assertion = spec) {
  const scored = await scoreAttempt([assertion], runWith(output), { caseData, caseFile: '/tmp/x.case.json', ...(judge && { judge }) });
  return scored.assertions[0]!;
}

describe('judge assertion', () => {
  it('passes with the judge score and reason, sending the rubric, input and output', async () => {
    const result = await grade('Done: refund issued for order 42.', env());
    expect(result).toMatchObject({ type: 'judge', pass: true, score: 0.9, evidence: { score: 0.9, threshold: 0.7, reason: 'The refund is confirmed.', model: 'gpt-4o-mini', cached: false } });
    expect(result.message).toContain('scored 0.90');
    expect(provider.requests).toHaveLength(1);
    const sent = provider.requests[0]!;
    expect(sent.headers['authorization']).toBe('Bearer sk-judge');
    expect(JSON.stringify(sent.body)).toContain('The reply confirms the refund was issued.');
    expect(JSON.stringify(sent.body)).toContain('Please refund order 42');
  });

  it('fails below the threshold with partial credit', async () => {
    const result = await grade('Sorry, I cannot help.', env());
    expect(result).toMatchObject({ pass: false, score: 0.2, evidence: { reason: 'No refund was issued.' } });
    expect(result.error).toBeUndefined();
  });

  it('grades an unchanged case once: the second time is a cache hit with zero requests', async () => {
    await grade('Done: refund issued for order 42.', env());
    const again = await grade('Done: refund issued for order 42.', env());
    expect(provider.requests).toHaveLength(1);
    expect(again).toMatchObject({ pass: true, evidence: { cached: true } });
    await grade('Done: refund issued for order 43.', env());
    expect(provider.requests).toHaveLength(2);
  });

  it('is skipped, never passed, without a key', async () => {
    delete process.env[KEY_ENV];
    const result = await grade('Done: refund issued for order 42.', env({ apiKeyEnv: undefined }));
    expect(result.pass).toBe(false);
    expect(result.error).toBe('skipped: no API key for the judge (set OPENAI_API_KEY)');
    expect(provider.requests).toHaveLength(0);
  });

  it('is not graded without a configured judge', async () => {
    const result = await grade('refund issued', undefined);
    expect(result).toMatchObject({ pass: false, score: 0 });
    expect(result.error).toContain('no judge configured');
  });

  it('grades through Anthropic too', async () => {
    const result = await grade('Done: refund issued.', env({ provider: 'anthropic', model: 'claude-haiku-4-5', baseUrl: provider.baseUrl }));
    expect(result).toMatchObject({ pass: true, score: 0.9 });
    expect(provider.requests[0]).toMatchObject({ path: '/v1/messages', headers: { 'x-api-key': 'sk-judge' } });
  });

  it('reports an endpoint error instead of passing', async () => {
    await provider.close();
    provider = await startFakeProvider(() => 500);
    const result = await grade('refund issued', env());
    expect(result.pass).toBe(false);
    expect(result.error).toContain('answered HTTP 500');
  });
});
