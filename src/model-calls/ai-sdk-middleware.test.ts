import { generateText, jsonSchema, stepCountIs, streamText, tool, wrapLanguageModel } from 'ai';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../model/case.js';
import { CaptureScope } from '../capture/run-scope.js';
import { sessionWith } from './test-support/session.js';
import { runWithInterceptor } from '../replay/scope.js';
import { rehearseMiddleware } from './ai-sdk-middleware.js';

const usage = { inputTokens: { total: 50, noCache: 30, cacheRead: 20, cacheWrite: undefined }, outputTokens: { total: 8, text: 8, reasoning: undefined } };
const finish = { unified: 'stop' as const, raw: 'stop' };

/** A mock provider model: the first call asks for the weather tool, the next ones answer in text. */
function mockModel(): MockLanguageModelV3 {
  let calls = 0;
  return new MockLanguageModelV3({
    modelId: 'mock-model',
    doGenerate: async () => {
      calls++;
      if (calls === 1) {
        return { content: [{ type: 'tool-call', toolCallId: 'call_w', toolName: 'weather', input: '{"city":"Oslo"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] };
      }
      return { content: [{ type: 'text', text: 'It is 4 degrees in Oslo.' }], finishReason: finish, usage, warnings: [] };
    },
    doStream: async () => ({
      stream: convertArrayToReadableStream([
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Cold ' },
        { type: 'text-delta', id: 't', delta: 'and ' },
        { type: 'text-delta', id: 't', delta: 'clear.' },
        { type: 'text-end', id: 't' },
        { type: 'finish', usage, finishReason: finish },
      ]),
    }),
  });
}

const weather = tool({ description: 'Weather by city', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), execute: async ({ city }) => ({ city, celsius: 4 }) });

/** The agent under test: a tool loop with generateText, then a streamed follow-up. */
async function agent(model: MockLanguageModelV3): Promise<{ answer: string; streamed: string }> {
  const wrapped = wrapLanguageModel({ model, middleware: rehearseMiddleware() });
  const result = await generateText({ model: wrapped, prompt: 'Weather in Oslo?', tools: { weather }, stopWhen: stepCountIs(3) });
  const stream = streamText({ model: wrapped, prompt: 'One word summary?' });
  let streamed = '';
  for await (const delta of stream.textStream) streamed += delta;
  return { answer: result.text, streamed };
}

/** Runs the agent for real inside a capture scope: the timeline rehearse would have recorded. */
async function record(): Promise<TimelineEvent[]> {
  const scope = new CaptureScope('run-1', undefined);
  await runWithInterceptor(scope, () => agent(mockModel()));
  return scope.close();
}

describe('rehearseMiddleware with the ai package', () => {
  it('records doGenerate and doStream calls in a capture', async () => {
    const timeline = await record();
    expect(timeline.map((e) => e.type)).toEqual(['model', 'model', 'model']);
    expect(timeline[0]).toMatchObject({ provider: 'mock-provider', model: 'mock-model', response: { toolCalls: [{ id: 'call_w', name: 'weather', args: { city: 'Oslo' } }], finishReason: 'tool-calls' } });
    expect(timeline[1]).toMatchObject({ response: { text: 'It is 4 degrees in Oslo.', usage: { inputTokens: 50, cachedInputTokens: 20, outputTokens: 8 } } });
    expect(timeline[2]).toMatchObject({ response: { text: 'Cold and clear.' } });
  });

  it('answers generateText and streamText from the recording without calling the model', async () => {
    const recorded = await record();
    const model = mockModel();
    const session = sessionWith(recorded);
    const out = await runWithInterceptor(session, () => agent(model));
    expect(out).toEqual({ answer: 'It is 4 degrees in Oslo.', streamed: 'Cold and clear.' });
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(model.doStreamCalls).toHaveLength(0);
    expect(session.divergence).toBeUndefined();
    expect(session.models.summary()).toMatchObject({ drift: [], usage: { inputTokens: 150, outputTokens: 24 } });
  });

  it('flags a changed prompt as drift and a call past the recording as a divergence', async () => {
    const recorded = (await record()).slice(0, 2);
    const session = sessionWith(recorded);
    const wrapped = wrapLanguageModel({ model: mockModel(), middleware: rehearseMiddleware() });
    const error = await runWithInterceptor(session, async () => {
      const result = await generateText({ model: wrapped, prompt: 'Weather in Bergen?', tools: { weather }, stopWhen: stepCountIs(3) });
      expect(result.text).toBe('It is 4 degrees in Oslo.');
      return generateText({ model: wrapped, prompt: 'And tomorrow?', maxRetries: 2 }).catch((e: unknown) => e);
    });
    expect((error as Error).message).toContain('model call #3 (mock-model) is past the recording, which has 2 model calls');
    expect(session.divergence).toMatchObject({ kind: 'unrecorded-model-call', step: 2 });
    expect(session.timeline.filter((e) => e.type === 'model')).toHaveLength(3); // not retried
    const drift = session.models.summary().drift;
    expect(drift.map((d) => d.step)).toEqual([0, 1]);
  });

  it('caches generate results and streams in cached mode: the second run never calls the model', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'rehearse-ai-cache-'));
    try {
      const run = async (model: MockLanguageModelV3) => {
        const session = sessionWith([], { mode: 'cached', cacheDir });
        const out = await runWithInterceptor(session, () => agent(model));
        return { out, summary: session.models.summary() };
      };
      const coldModel = mockModel();
      const cold = await run(coldModel);
      expect(coldModel.doGenerateCalls.length + coldModel.doStreamCalls.length).toBe(3);
      const warmModel = mockModel();
      const warm = await run(warmModel);
      expect(warm.out).toEqual(cold.out);
      expect(warm.out).toEqual({ answer: 'It is 4 degrees in Oslo.', streamed: 'Cold and clear.' });
      expect(warmModel.doGenerateCalls.length + warmModel.doStreamCalls.length).toBe(0);
      expect(warm.summary.cache).toMatchObject({ hits: 3, misses: 0 });
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
