import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentFn } from '../model/agent.js';
import type { Case, ModelMode } from '../model/case.js';
import { main } from '../cli/main.js';
import { runCase, type CaseRunSettings } from '../run/run-case.js';
import { rehearseFetch } from './fetch.js';
import { mergePrices } from './prices.js';
import { startFakeProvider, type FakeProvider } from './test-support/fake-provider.js';
import { refundTimeline } from './test-support/recorded.js';

let provider: FakeProvider;
let cacheDir: string;
beforeEach(async () => {
  provider = await startFakeProvider(() => ({ text: 'Live answer.', usage: { inputTokens: 1000, outputTokens: 100 } }));
  cacheDir = await mkdtemp(join(tmpdir(), 'rehearse-runcase-'));
});
afterEach(async () => {
  await provider.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** An agent whose first prompt may have been edited since the case was captured. */
function agentWith(systemPrompt?: string): AgentFn {
  return async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${provider.baseUrl}/v1`, fetch: rehearseFetch, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [...(systemPrompt ? [{ role: 'system' as const, content: systemPrompt }] : []), { role: 'user', content: 'Refund order 42' }];
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    return r.choices[0]!.message.content ?? `tool:${r.choices[0]!.message.tool_calls?.[0]?.id}`;
  };
}

function caseWith(mode?: ModelMode): Case {
  return {
    format: 'rehearse.case',
    version: 1,
    id: 'refund',
    title: 'Refund',
    input: {},
    timeline: refundTimeline().slice(0, 1),
    outcome: { status: 'failed' },
    assertions: [],
    ...(mode && { replay: { model: mode } }),
  };
}

async function attemptOf(data: Case, agent: AgentFn, model: CaseRunSettings['model']) {
  const result = await runCase({ ok: true, path: '/tmp/refund.case.json', data }, { suite: 's', key: 's/refund', file: 'refund.case.json' }, agent, { timeoutMs: 5000, repeat: 1, ...(model && { model }) });
  return result.attempts[0]!;
}

describe('model calls in runCase', () => {
  it('recorded (default): answered from the case, drift reported on the attempt, usage summed, no cost', async () => {
    const attempt = await attemptOf(caseWith(), agentWith('Be kind.'), undefined);
    expect(attempt.status).toBe('passed');
    expect(attempt.output).toBe('tool:call_1');
    expect(attempt.drift).toEqual([{ step: 0, message: expect.stringContaining('does not test the new prompt') }]);
    expect(attempt.usage).toMatchObject({ inputTokens: 100, outputTokens: 20 });
    expect(attempt.costUsd).toBeUndefined();
    expect(provider.requests).toHaveLength(0);
  });

  it("the case's replay.model wins over the run's mode, and --model (forceMode) over both", async () => {
    const prices = mergePrices({});
    const live = await attemptOf(caseWith('live'), agentWith(), { mode: 'recorded', prices });
    expect(live.output).toBe('Live answer.');
    expect(live.costUsd).toBeCloseTo((1000 * 0.15 + 100 * 0.6) / 1e6, 10);
    expect(provider.requests).toHaveLength(1);

    const forced = await attemptOf(caseWith('live'), agentWith(), { mode: 'live', forceMode: 'recorded', prices });
    expect(forced.output).toBe('tool:call_1');
    expect(provider.requests).toHaveLength(1);
  });

  it('cached: the attempt reports hits, misses and what the cache saved', async () => {
    const settings = { mode: 'cached' as const, cacheDir, prices: mergePrices({}) };
    const cold = await attemptOf(caseWith(), agentWith(), settings);
    const warm = await attemptOf(caseWith(), agentWith(), settings);
    expect(provider.requests).toHaveLength(1);
    expect(cold.cache).toEqual({ hits: 0, misses: 1 });
    expect(warm.cache).toEqual({ hits: 1, misses: 0, savedUsd: cold.costUsd });
    expect(warm.costUsd).toBe(0);
    expect(warm.output).toBe('Live answer.');
  });

  it('a call past the recording makes the attempt diverged', async () => {
    const agent: AgentFn = async (input, ctx) => {
      await agentWith()(input, ctx);
      return agentWith()(input, ctx);
    };
    const attempt = await attemptOf(caseWith(), agent, undefined);
    expect(attempt.status).toBe('diverged');
    expect(attempt.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 1 });
  });
});

describe('rehearse cache prune', () => {
  it('removes old entries and reports what it did', async () => {
    const settings = { mode: 'cached' as const, cacheDir, prices: mergePrices({}) };
    await attemptOf(caseWith(), agentWith(), settings);
    let out = '';
    const io = { cwd: cacheDir, stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }), stderr: new Writable({ write: (_c, _e, cb) => cb() }) };
    const assets = { workerUrl: new URL('file:///x'), tsHooksUrl: new URL('file:///x'), version: '0' };
    expect(await main(['cache', 'prune', '--dir', '.', '--older-than', '1d'], assets, io)).toBe(0);
    expect(out).toContain('removed 0 cached responses older than 1d');
    await new Promise((r) => setTimeout(r, 30));
    out = '';
    expect(await main(['cache', 'prune', '--dir', '.', '--older-than', '0.0001m'], assets, io)).toBe(0);
    expect(out).toContain('removed 1 cached response older than 0.0001m');
    const shards = await readdir(cacheDir);
    expect((await Promise.all(shards.map((s) => readdir(join(cacheDir, s))))).flat()).toEqual([]);
    expect(await main(['cache', 'prune', '--older-than', 'soon'], assets, io)).toBe(2);
  });
});
