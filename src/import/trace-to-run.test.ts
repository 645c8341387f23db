import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ModelCallEvent, ToolCallEvent } from '../model/case.js';
import { validateRun } from '../capture/run-schema.js';
import { createTraceBuilder, serializeSpans, useAsyncContext } from '../../test/promote/otel-trace-builder.js';
import { loadRun, readSource } from './read-source.js';
import { ImportError } from './trace-to-run.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearse-import-'));
let fileCounter = 0;
function writeTrace(text: string, ext = 'json'): string {
  const file = join(dir, `trace-${++fileCounter}.${ext}`);
  writeFileSync(file, text);
  return file;
}

const SYSTEM = 'You are the support assistant.';
const USER = 'The towel set from order A-1061 arrived damaged, can I get a refund please?';

/** An agent traced with the newer GenAI conventions: invoke_agent root, chat spans, execute_tool spans. */
function genAiTrace(options: { content: boolean; toolSpans: boolean; rootError?: boolean }): string {
  const b = createTraceBuilder();
  const content = (attrs: Record<string, string>): Record<string, string> => (options.content ? attrs : {});
  const chat = (input: unknown[], output: unknown[]) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.request.temperature': 0,
    'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 12,
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'server.address': 'api.openai.com',
    ...content({ 'gen_ai.input.messages': JSON.stringify(input), 'gen_ai.output.messages': JSON.stringify(output) }),
  });
  const user = { role: 'user', parts: [{ type: 'text', content: USER }] };
  const ask1 = { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: { orderId: 'A-1061' } }] };
  const result1 = { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { orderId: 'A-1061', totalCents: 6450 } }] };
  const ask2 = { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'issue_refund', arguments: { orderId: 'A-1061', amountCents: 6450 } }] };
  const result2 = { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_2', response: '{"error":{"name":"GatewayTimeoutError","message":"payment gateway did not respond"}}' }] };
  const final = { role: 'assistant', parts: [{ type: 'text', content: "I've refunded $64.50." }], finish_reason: 'stop' };
  b.parent(
    'invoke_agent support',
    { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support', ...content({ 'gen_ai.input.messages': JSON.stringify([user]) }) }, ...(options.rootError && { error: { type: 'AgentLoopError', message: 'no reply after 8 model calls' } }) },
    (root) => {
      b.span('chat gpt-4o', { attributes: chat([user], [ask1]) }, root);
      if (options.toolSpans) {
        b.span('execute_tool lookup_order', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup_order', 'gen_ai.tool.call.id': 'call_1', ...content({ 'gen_ai.tool.call.arguments': '{"orderId":"A-1061"}', 'gen_ai.tool.call.result': '{"orderId":"A-1061","totalCents":6450}' }) } }, root);
      }
      b.span('chat gpt-4o', { attributes: chat([user, ask1, result1], [ask2]) }, root);
      if (options.toolSpans) {
        b.span('execute_tool issue_refund', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'issue_refund', 'gen_ai.tool.call.id': 'call_2', ...content({ 'gen_ai.tool.call.arguments': '{"orderId":"A-1061","amountCents":6450}' }) }, error: { type: 'GatewayTimeoutError', message: 'payment gateway did not respond' } }, root);
      }
      b.span('chat gpt-4o', { attributes: chat([user, ask1, result1, ask2, result2], [final]) }, root);
    },
  );
  return b.toJson();
}

describe('OpenTelemetry GenAI traces', () => {
  it('maps chat spans to model events and execute_tool spans to tool events, in start order', async () => {
    const { run, source } = await loadRun(writeTrace(genAiTrace({ content: true, toolSpans: true })));
    expect(run.timeline.map((e) => (e.type === 'tool' ? `tool:${e.name}` : 'model'))).toEqual(['model', 'tool:lookup_order', 'model', 'tool:issue_refund', 'model']);
    const first = run.timeline[0] as ModelCallEvent;
    expect(first.provider).toBe('openai');
    expect(first.model).toBe('gpt-4o');
    expect(first.request.messages).toEqual([{ role: 'user', content: USER }]);
    expect(first.request.params).toEqual({ temperature: 0 });
    expect(first.response.toolCalls).toEqual([{ id: 'call_1', name: 'lookup_order', args: { orderId: 'A-1061' } }]);
    expect(first.response.usage).toEqual({ inputTokens: 120, outputTokens: 12, totalTokens: 132 });
    expect(first.startedAt).toBe('2026-01-15T10:00:00.001Z');
    const lookup = run.timeline[1] as ToolCallEvent;
    expect(lookup).toMatchObject({ name: 'lookup_order', callId: 'call_1', args: { orderId: 'A-1061' }, result: { orderId: 'A-1061', totalCents: 6450 } });
    const refund = run.timeline[3] as ToolCallEvent;
    expect(refund.error).toEqual({ message: 'payment gateway did not respond', name: 'GatewayTimeoutError' });
    expect(refund.result).toBeUndefined();
    expect(run.input).toBe(USER);
    expect(run.output).toBe("I've refunded $64.50.");
    expect(run.status).toBe('ok');
    expect(run.agent).toEqual({ name: 'support-bot', version: '1.4.2' });
    expect(source.kind).toBe('otel');
    expect(source.traceId).toBe(run.runId);
    expect(source.agentVersion).toBe('support-bot 1.4.2');
    expect(await validateRun(run)).toEqual([]);
  });

  it('keeps attributes that do not map in the source bag, and drops the ones that did', async () => {
    const { source } = await loadRun(writeTrace(genAiTrace({ content: true, toolSpans: true })));
    const spans = source.attributes!['spans'] as { name: string; attributes?: Record<string, unknown> }[];
    const chat = spans.find((s) => s.name === 'chat gpt-4o')!;
    expect(chat.attributes).toEqual({ 'server.address': 'api.openai.com' });
    const root = spans.find((s) => s.name === 'invoke_agent support')!;
    expect(root.attributes).toEqual({ 'gen_ai.agent.name': 'support' });
    expect(source.attributes!['resource']).toEqual({ 'service.name': 'support-bot', 'service.version': '1.4.2' });
  });

  it('derives tool events from the messages of the next chat span when there are no tool spans', async () => {
    const { run } = await loadRun(writeTrace(genAiTrace({ content: true, toolSpans: false })));
    expect(run.timeline.map((e) => (e.type === 'tool' ? `tool:${e.name}` : 'model'))).toEqual(['model', 'tool:lookup_order', 'model', 'tool:issue_refund', 'model']);
    expect(run.timeline[1]).toEqual({ type: 'tool', name: 'lookup_order', callId: 'call_1', args: { orderId: 'A-1061' }, result: { orderId: 'A-1061', totalCents: 6450 } });
    // The error the agent handed back to the model is recorded as the error it was.
    expect(run.timeline[3]).toEqual({
      type: 'tool',
      name: 'issue_refund',
      callId: 'call_2',
      args: { orderId: 'A-1061', amountCents: 6450 },
      error: { name: 'GatewayTimeoutError', message: 'payment gateway did not respond' },
    });
  });

  it('refuses a trace recorded without message content and names the setting that turns it on', async () => {
    const file = writeTrace(genAiTrace({ content: false, toolSpans: true }));
    await expect(loadRun(file)).rejects.toThrow(ImportError);
    await expect(loadRun(file)).rejects.toThrow(/without message content.*OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true/);
  });

  it('records an error status on the root span as the error the agent threw', async () => {
    const { run } = await loadRun(writeTrace(genAiTrace({ content: true, toolSpans: true, rootError: true })));
    expect(run.status).toBe('errored');
    expect(run.error).toEqual({ message: 'no reply after 8 model calls', name: 'AgentLoopError' });
    expect(run.output).toBeUndefined();
  });

  it('reads the older conventions: flattened gen_ai.prompt attributes and per-message span events', async () => {
    const b = createTraceBuilder();
    b.parent('agent', {}, (root) => {
      b.span('chat gpt-4', {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4',
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': SYSTEM,
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'Where is A-1043?',
          'gen_ai.completion.0.finish_reason': 'tool_calls',
          'gen_ai.completion.0.tool_calls.0.id': 'call_9',
          'gen_ai.completion.0.tool_calls.0.name': 'lookup_order',
          'gen_ai.completion.0.tool_calls.0.arguments': '{"orderId":"A-1043"}',
        },
      }, root);
      b.span('chat gpt-4', {
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4' },
        events: [
          { name: 'gen_ai.user.message', attributes: { content: 'Where is A-1043?' } },
          { name: 'gen_ai.assistant.message', attributes: { tool_calls: JSON.stringify([{ id: 'call_9', type: 'function', function: { name: 'lookup_order', arguments: '{"orderId":"A-1043"}' } }]) } },
          { name: 'gen_ai.tool.message', attributes: { id: 'call_9', content: '{"status":"shipped"}' } },
          { name: 'gen_ai.choice', attributes: { index: 0, finish_reason: 'stop', message: JSON.stringify({ role: 'assistant', content: 'It shipped.' }) } },
        ],
      }, root);
    });
    const { run } = await loadRun(writeTrace(b.toJson()));
    const [first, lookup, second] = run.timeline as [ModelCallEvent, ToolCallEvent, ModelCallEvent];
    expect(first.request.messages).toEqual([{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Where is A-1043?' }]);
    expect(first.response).toMatchObject({ finishReason: 'tool_calls', toolCalls: [{ id: 'call_9', name: 'lookup_order', args: { orderId: 'A-1043' } }] });
    expect(lookup).toMatchObject({ type: 'tool', name: 'lookup_order', callId: 'call_9', result: { status: 'shipped' } });
    expect(second.request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(second.response).toEqual({ text: 'It shipped.', finishReason: 'stop' });
    expect(run.input).toBe('Where is A-1043?');
    expect(run.output).toBe('It shipped.');
  });

  it('reads JSONL with one export per line, and asks for --trace-id when a file holds several traces', async () => {
    const a = genAiTrace({ content: true, toolSpans: true });
    const b = genAiTrace({ content: true, toolSpans: false });
    const file = writeTrace(`${a}\n${b}\n`, 'jsonl');
    const { traces } = await readSource(file);
    expect(traces).toHaveLength(2);
    await expect(loadRun(file)).rejects.toThrow(/holds 2 traces .*pick one with --trace-id ID/);
    const wanted = traces[1]!.traceId;
    const { run } = await loadRun(file, { traceId: wanted.toUpperCase() });
    expect(run.runId).toBe(wanted);
    await expect(loadRun(file, { traceId: 'ffff' })).rejects.toThrow(/no trace with id ffff/);
  });

  it('refuses a file that is neither a run nor an export, and a trace with no GenAI spans', async () => {
    await expect(loadRun(writeTrace('{"hello":"world"}'))).rejects.toThrow(/neither a rehearse run .* nor an OTLP\/JSON trace export/);
    const b = createTraceBuilder();
    b.span('GET /orders', { attributes: { 'http.request.method': 'GET' } });
    await expect(loadRun(writeTrace(b.toJson()))).rejects.toThrow(/has no model or tool call spans/);
  });
});

/** Runs generateText with the AI SDK's mock model and a real tracer; returns the OTLP/JSON export. */
async function aiSdkTrace(telemetry: { recordInputs?: boolean; recordOutputs?: boolean } = {}): Promise<string> {
  useAsyncContext();
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let calls = 0;
  const usage = (input: number, output: number) => ({
    inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  });
  const model = new MockLanguageModelV3({
    doGenerate: async () => {
      calls++;
      if (calls === 1) {
        return { content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup_order', input: JSON.stringify({ orderId: 'A-1043' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage: usage(50, 8), warnings: [] };
      }
      if (calls === 2) {
        return { content: [{ type: 'tool-call', toolCallId: 'call_2', toolName: 'issue_refund', input: JSON.stringify({ orderId: 'A-1043' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage: usage(70, 8), warnings: [] };
      }
      return { content: [{ type: 'text', text: 'Your order A-1043 shipped; the refund failed.' }], finishReason: { unified: 'stop', raw: undefined }, usage: usage(90, 12), warnings: [] };
    },
  });
  await generateText({
    model,
    system: SYSTEM,
    prompt: 'Where is A-1043? Refund it.',
    tools: {
      lookup_order: tool({ inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } } }), execute: async ({ orderId }: { orderId: string }): Promise<{ orderId: string; status: string }> => ({ orderId, status: 'shipped' }) }),
      issue_refund: tool({
        inputSchema: jsonSchema<{ orderId: string }>({ type: 'object', properties: { orderId: { type: 'string' } } }),
        execute: async (): Promise<{ refunded: boolean }> => {
          throw new Error('card issuer declined the refund');
        },
      }),
    },
    stopWhen: stepCountIs(5),
    experimental_telemetry: { isEnabled: true, tracer: provider.getTracer('ai'), ...telemetry },
  });
  return serializeSpans(exporter.getFinishedSpans());
}

describe('Vercel AI SDK telemetry (real ai package, mock model)', () => {
  it('maps doGenerate spans to model events and ai.toolCall spans to tool events', async () => {
    const { run, source } = await loadRun(writeTrace(await aiSdkTrace()));
    expect(source.kind).toBe('vercel-ai');
    expect(run.timeline.map((e) => (e.type === 'tool' ? `tool:${e.name}` : 'model'))).toEqual(['model', 'tool:lookup_order', 'model', 'tool:issue_refund', 'model']);
    const first = run.timeline[0] as ModelCallEvent;
    expect(first).toMatchObject({ provider: 'mock-provider', model: 'mock-model-id' });
    expect(first.request.messages).toEqual([{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Where is A-1043? Refund it.' }]);
    expect(first.request.tools?.map((t) => t.name)).toEqual(['lookup_order', 'issue_refund']);
    expect(first.response).toMatchObject({ finishReason: 'tool-calls', toolCalls: [{ id: 'call_1', name: 'lookup_order', args: { orderId: 'A-1043' } }], usage: { inputTokens: 50, outputTokens: 8, totalTokens: 58 } });
    expect(run.timeline[1]).toMatchObject({ type: 'tool', name: 'lookup_order', callId: 'call_1', args: { orderId: 'A-1043' }, result: { orderId: 'A-1043', status: 'shipped' } });
    expect((run.timeline[3] as ToolCallEvent).error).toMatchObject({ message: 'card issuer declined the refund' });
    const last = run.timeline[4] as ModelCallEvent;
    expect(last.request.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(run.input).toMatchObject({ system: SYSTEM, prompt: 'Where is A-1043? Refund it.' });
    expect(run.output).toBe('Your order A-1043 shipped; the refund failed.');
    expect(await validateRun(run)).toEqual([]);
  });

  it('refuses a trace recorded with recordInputs and recordOutputs off, naming them', async () => {
    const file = writeTrace(await aiSdkTrace({ recordInputs: false, recordOutputs: false }));
    await expect(loadRun(file)).rejects.toThrow(/without message content.*recordInputs: true, recordOutputs: true/);
  });
});

describe('OpenInference (hand-written Phoenix-style export)', () => {
  const fixture = fileURLToPath(new URL('../../test/promote/openinference-trace.json', import.meta.url));

  it('maps LLM and TOOL spans, the AGENT span gives input and output', async () => {
    const { run, source } = await loadRun(fixture);
    expect(source.kind).toBe('openinference');
    expect(run.timeline.map((e) => (e.type === 'tool' ? `tool:${e.name}` : 'model'))).toEqual(['model', 'tool:lookup_order', 'model']);
    const first = run.timeline[0] as ModelCallEvent;
    expect(first).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini-2024-07-18' });
    expect(first.request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first.request.tools).toEqual([{ name: 'lookup_order', description: 'Fetch an order', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } }]);
    expect(first.request.params).toEqual({ temperature: 0 });
    expect(first.response).toEqual({ toolCalls: [{ id: 'call_abc', name: 'lookup_order', args: { orderId: 'A-1043' } }], usage: { inputTokens: 412, outputTokens: 18, totalTokens: 430 } });
    expect(run.timeline[1]).toMatchObject({ type: 'tool', name: 'lookup_order', args: { orderId: 'A-1043' }, result: { orderId: 'A-1043', status: 'shipped' } });
    const second = run.timeline[2] as ModelCallEvent;
    expect(second.request.messages[3]).toEqual({ role: 'tool', toolCallId: 'call_abc', content: '{"orderId": "A-1043", "status": "shipped"}' });
    expect(run.input).toEqual({ message: 'Where is my order A-1043? My email is ada.lovelace@example.com', customerId: 'C-200' });
    expect(run.output).toBe('Order A-1043 has shipped with UPS, tracking 1Z999AA10123456784.');
    expect(run.startedAt).toBe('2026-01-15T10:00:00.000Z');
    expect(run.durationMs).toBe(900);
    const spans = source.attributes!['spans'] as { attributes?: Record<string, unknown> }[];
    expect(spans[0]!.attributes).toEqual({ 'session.id': 'sess-42' });
  });

  it('refuses a trace whose content was hidden (OPENINFERENCE_HIDE_*), naming the settings', async () => {
    // What OpenInference instrumentations write with OPENINFERENCE_HIDE_INPUTS / _OUTPUTS / _*_MESSAGES set.
    const doc = JSON.parse(readFileSync(fixture, 'utf8')) as { resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[] };
    for (const span of doc.resourceSpans[0]!.scopeSpans[0]!.spans) {
      for (const attr of span.attributes) if (/^(input|output)\.value$|_messages\./.test(attr.key)) attr.value = { stringValue: '__REDACTED__' };
    }
    const hidden = JSON.stringify(doc);
    const file = writeTrace(hidden);
    await expect(loadRun(file)).rejects.toThrow(/without message content.*OPENINFERENCE_HIDE_INPUTS/);
  });
});
