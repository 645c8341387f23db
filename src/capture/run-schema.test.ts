import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunAgentInfo, RunArtifact, RunFailure } from '../model/run-artifact.js';
import { validateRun } from './run-schema.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/run.schema.json', import.meta.url), 'utf8')) as {
  properties: Record<string, { properties?: Record<string, unknown> }>;
  required: string[];
};

/* Compile-time locks: adding a field to the type without listing it here (and so in the schema) fails tsc. */
const RUN_FIELDS: Record<keyof RunArtifact, boolean> = {
  format: true, version: true, runId: true, agent: true, environment: false, startedAt: true, endedAt: true,
  durationMs: true, input: true, timeline: true, output: false, error: false, status: true, failure: false,
  metadata: false, redactions: false,
};
const AGENT_FIELDS: Record<keyof RunAgentInfo, true> = { name: true, version: true, commit: true };
const FAILURE_FIELDS: Record<keyof RunFailure, true> = { summary: true, atStep: true };

const full: RunArtifact = {
  format: 'rehearse.run',
  version: 1,
  runId: '0b6f3a52-6a55-4c2e-9d55-8f1f3d2a7c11',
  agent: { name: 'support-bot', version: '1.4.0', commit: '3f2a9c1d4e5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f' },
  environment: 'production',
  startedAt: '2024-06-11T10:30:00.000Z',
  endedAt: '2024-06-11T10:30:01.250Z',
  durationMs: 1250,
  input: { message: 'Where is order A-1042?', customer: { email: '<<EMAIL_1>>' } },
  timeline: [
    {
      type: 'model',
      id: 'chatcmpl-1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      request: {
        messages: [
          { role: 'system', content: 'You are a support agent.' },
          { role: 'user', content: 'Where is order A-1042?' },
        ],
        tools: [{ name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } }],
        params: { temperature: 0 },
      },
      response: {
        toolCalls: [{ id: 'call_1', name: 'lookup_order', args: { orderId: 'A-1042' } }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 120, outputTokens: 18, totalTokens: 138 },
      },
      startedAt: '2024-06-11T10:30:00.010Z',
      durationMs: 800,
    },
    { type: 'tool', name: 'lookup_order', callId: 'call_1', args: { orderId: 'A-1042' }, result: { status: 'shipped' }, startedAt: '2024-06-11T10:30:00.820Z', durationMs: 12.5 },
    { type: 'tool', name: 'refund', args: { orderId: 'A-1042' }, error: { message: 'not allowed', name: 'HttpError', code: '403', stack: 'HttpError: not allowed\n    at refund' } },
  ],
  output: 'Your order has shipped.',
  status: 'failed',
  failure: { summary: 'Tried to refund a shipped order', atStep: 2 },
  metadata: { requestId: 'req_42', tier: 'pro' },
  redactions: [{ placeholder: '<<EMAIL_1>>', rule: 'email', pointers: ['/input/customer/email'] }],
};

const minimal: RunArtifact = {
  format: 'rehearse.run',
  version: 1,
  runId: 'r1',
  agent: {},
  startedAt: '2024-06-11T10:30:00+02:00',
  endedAt: '2024-06-11T10:30:00.001+02:00',
  durationMs: 1,
  input: null,
  timeline: [],
  status: 'errored',
  error: { message: 'boom' },
};

function broken(change: (run: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(full) as unknown as Record<string, unknown>;
  change(copy);
  return copy;
}

describe('run format: types and schema in step', () => {
  it('lists exactly the type fields at the top level of the schema, required ones required', () => {
    const schemaFields = Object.keys(schema.properties).filter((k) => k !== '$schema').sort();
    expect(schemaFields).toEqual(Object.keys(RUN_FIELDS).sort());
    expect([...schema.required].sort()).toEqual(Object.entries(RUN_FIELDS).filter(([, required]) => required).map(([k]) => k).sort());
    expect(Object.keys(schema.properties['agent']?.properties ?? {}).sort()).toEqual(Object.keys(AGENT_FIELDS).sort());
    expect(Object.keys(schema.properties['failure']?.properties ?? {}).sort()).toEqual(Object.keys(FAILURE_FIELDS).sort());
  });

  it('accepts the full and the minimal fixtures', async () => {
    expect(await validateRun(full)).toEqual([]);
    expect(await validateRun(minimal)).toEqual([]);
  });

  it.each([
    ['missing runId', (r: Record<string, unknown>) => delete r['runId'], '/runId'],
    ['wrong format tag', (r: Record<string, unknown>) => (r['format'] = 'rehearse.case'), '/format'],
    ['unknown status', (r: Record<string, unknown>) => (r['status'] = 'passed'), '/status'],
    ['unknown top-level field', (r: Record<string, unknown>) => (r['outcome'] = {}), '/outcome'],
    ['timestamp without zone', (r: Record<string, unknown>) => (r['startedAt'] = '2024-06-11 10:30'), '/startedAt'],
    ['negative duration', (r: Record<string, unknown>) => (r['durationMs'] = -1), '/durationMs'],
    ['unknown event type', (r: Record<string, unknown>) => ((r['timeline'] as Record<string, unknown>[])[1]!['type'] = 'function'), '/timeline/1/type'],
    ['tool event without args', (r: Record<string, unknown>) => delete (r['timeline'] as Record<string, unknown>[])[1]!['args'], '/timeline/1/args'],
    ['model message with bad role', (r: Record<string, unknown>) => (((r['timeline'] as { request: { messages: { role: string }[] } }[])[0]!.request.messages[0]!.role = 'bot')), '/timeline/0/request/messages/0/role'],
    ['fractional token count', (r: Record<string, unknown>) => (((r['timeline'] as { response: { usage: { inputTokens: number } } }[])[0]!.response.usage.inputTokens = 1.5)), '/timeline/0/response/usage/inputTokens'],
    ['error without message', (r: Record<string, unknown>) => (r['error'] = { name: 'Error' }), '/error/message'],
    ['placeholder of the wrong shape', (r: Record<string, unknown>) => ((r['redactions'] as { placeholder: string }[])[0]!.placeholder = 'EMAIL'), '/redactions/0/placeholder'],
    ['agent field misspelt', (r: Record<string, unknown>) => (r['agent'] = { sha: 'abc' }), '/agent/sha'],
  ])('rejects %s at the right pointer', async (_name, change, pointer) => {
    const issues = await validateRun(broken(change));
    expect(issues.map((i) => i.pointer)).toContain(pointer);
  });

  it('refuses a newer format version with a message that says to upgrade', async () => {
    const issues = await validateRun({ ...full, version: 2 });
    expect(issues).toEqual([{ pointer: '/version', message: expect.stringMatching(/newer.*upgrade rehearse/) }]);
  });
});
