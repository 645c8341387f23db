import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case, ChatMessage, Json, RunArtifact, TimelineEvent } from '../../src/model/index.js';
import { capture, directorySink, recordModelCall } from '../../src/capture/index.js';
import { compareRuns } from '../../src/compare/compare.js';
import { readResults } from '../../src/report/results-file.js';
import { createSupportAgent, type SupportOutput } from '../../examples/support-agent/agent.js';
import { FakeBackend } from '../../examples/support-agent/backend.js';
import { scriptedModelV1, systemPromptV1 } from '../../examples/support-agent/policy-v1.js';
import { createSupportTools, supportToolDefinitions } from '../../examples/support-agent/tools.js';
import { createTraceBuilder } from './otel-trace-builder.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'bin', 'rehearse.js');
const agentModule = join(root, 'examples', 'support-agent', 'agent.ts');
const DOUBLE_REFUND = { customerId: 'C-200', message: 'The towel set from order A-1061 arrived damaged, can I get a refund please?' };
const NOTE = 'Ticket SUP-2231: refunded twice after a gateway timeout; the reply said "I\'ve refunded" although the first refund was unconfirmed.';

/** A project that uses rehearse the way a user's does: node_modules/rehearse and a config for the current agent. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-promote-e2e-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'rehearse'), 'dir');
  writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: agentModule, export: 'supportAgent' } }));
  return dir;
}

function rehearse(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs one case with the built CLI and returns its verdict against the captured outcome. */
function verdictOf(cwd: string, caseFile: string): string {
  const out = join(cwd, 'results.json');
  const result = rehearse(cwd, ['run', caseFile, '--out', out, '--reporter', 'json', '--reporter', 'terminal']);
  expect(result.stderr).not.toMatch(/error/i);
  const comparison = compareRuns(readResults(out), undefined);
  expect(comparison.cases).toHaveLength(1);
  return comparison.cases[0]!.verdict;
}

/**
 * The example agent's v1 as production ran it: captured with the capture API into a directory sink, its
 * model calls recorded through the agent's onModelCall hook, and a judge that flags double refunds.
 */
async function captureV1Run(input: typeof DOUBLE_REFUND, runsDir: string): Promise<RunArtifact> {
  const agent = createSupportAgent({
    model: scriptedModelV1,
    systemPrompt: systemPromptV1,
    tools: createSupportTools(new FakeBackend()),
    onModelCall: (messages, turn) =>
      recordModelCall({
        provider: 'scripted',
        model: 'support-policy-v1',
        request: { messages: structuredClone([...messages]), tools: supportToolDefinitions },
        response: { ...(turn.text !== undefined && { text: turn.text }), ...(turn.toolCalls && { toolCalls: turn.toolCalls }), finishReason: turn.toolCalls?.length ? 'tool-calls' : 'stop' },
      }),
  });
  const captured = capture(agent, {
    sink: directorySink(runsDir),
    agent: { name: 'support-agent', version: '1.0.0', commit: '4e1d7c2aa91b' },
    environment: 'production',
    judge: (output) => ((output as SupportOutput).actions.filter((a) => a.tool === 'issue_refund').length > 1 ? 'issue_refund was retried: the customer was refunded twice' : undefined),
  });
  await captured(input);
  await captured.flush();
  const files = readdirSync(runsDir).filter((f) => f.endsWith('.run.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(runsDir, files[0]!), 'utf8')) as RunArtifact;
}

describe('capture → promote --yes → rehearse run (example support agent)', () => {
  let project: string;
  let run: RunArtifact;
  let runFile: string;

  beforeAll(async () => {
    project = makeProject();
    const runsDir = join(project, '.rehearse', 'runs');
    run = await captureV1Run(DOUBLE_REFUND, runsDir);
    runFile = join(runsDir, readdirSync(runsDir)[0]!);
  });

  it('captures the v1 double refund as a failed production run', () => {
    expect(run.status).toBe('failed');
    expect(run.environment).toBe('production');
    const tools = run.timeline.filter((e) => e.type === 'tool').map((e) => (e.type === 'tool' ? e.name : ''));
    expect(tools).toEqual(['lookup_order', 'issue_refund', 'issue_refund']);
    expect(run.timeline.filter((e) => e.type === 'model')).toHaveLength(4);
  });

  it('promotes it with --yes and the current agent fixes it', () => {
    const promoted = rehearse(project, ['promote', runFile, '--suite', 'support', '--id', 'double-refund', '--note', NOTE, '--yes']);
    expect(promoted.stderr).toBe('');
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toContain('Wrote suites/support/double-refund.case.json');
    expect(promoted.stdout).toContain('npx rehearse run suites/support/double-refund.case.json');

    const written = JSON.parse(readFileSync(join(project, 'suites', 'support', 'double-refund.case.json'), 'utf8')) as Case;
    expect(written.$schema).toBe('../../node_modules/rehearse/schema/case.schema.json');
    expect(written.source).toMatchObject({ kind: 'capture', runId: run.runId, capturedAt: run.startedAt, agentVersion: 'support-agent 1.0.0 (4e1d7c2aa91b)', note: NOTE });
    expect(written.outcome.status).toBe('failed');
    expect(written.outcome.failure?.summary).toBe('issue_refund was retried: the customer was refunded twice');
    expect(written.assertions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'tool-called', tool: 'issue_refund', count: 1 }),
        expect.objectContaining({ type: 'not-contains', path: '$.reply', value: "I've refunded" }),
        expect.objectContaining({ type: 'json-schema' }),
      ]),
    );
    expect(verdictOf(project, 'suites/support/double-refund.case.json')).toBe('fixed');
  });

  it('against v1 the same case is still failing (the assertions catch the bug)', () => {
    const v1 = join(project, 'v1.config.json');
    writeFileSync(v1, JSON.stringify({ agent: { module: agentModule, export: 'supportAgentV1' } }));
    const out = join(project, 'results-v1.json');
    rehearse(project, ['run', 'suites/support/double-refund.case.json', '--config', v1, '--out', out, '--reporter', 'json']);
    expect(compareRuns(readResults(out), undefined).cases[0]!.verdict).toBe('still-failing');
  });

  it('rehearse replay re-runs the captured run against the current agent and shows where it departs', () => {
    const replayed = rehearse(project, ['replay', runFile]);
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    const amount = '{"orderId":"A-1061","amountCents":6450,"reason":"damaged"}';
    expect(replayed.stdout).toContain(`Recorded: lookup_order {"orderId":"A-1061"} → issue_refund ${amount} ✗ → issue_refund ${amount}\n`);
    expect(replayed.stdout).toContain(`Replayed: lookup_order {"orderId":"A-1061"} → issue_refund ${amount} ✗\n`);
    expect(replayed.stdout).toContain(`Departs at tool call 3 (recorded step 5): recorded issue_refund ${amount}; the replay made no call 3 (it stopped earlier)`);
    expect(replayed.stdout).toContain('Verdict: fixed');
    // Against v1 the trajectory is the recorded one.
    const v1 = rehearse(project, ['replay', runFile, '--config', 'v1.config.json']);
    expect(v1.stdout).toContain('Same tool calls as the recording.');
    expect(v1.stdout).toContain('Verdict: still-failing');
  });

  it('refuses to overwrite the case without --force, and needs --yes without a terminal', () => {
    const again = rehearse(project, ['promote', runFile, '--suite', 'support', '--id', 'double-refund', '--yes']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('suites/support/double-refund.case.json already exists; pass --force');
    const noTty = rehearse(project, ['promote', runFile, '--suite', 'support', '--id', 'other']);
    expect(noTty.status).toBe(2);
    expect(noTty.stderr).toMatch(/pass --yes/);
    const traversal = rehearse(project, ['promote', runFile, '--suite', '../outside', '--yes']);
    expect(traversal.status).toBe(2);
    expect(traversal.stderr).toMatch(/suite name "..\/outside" must not contain slashes/);
  });
});

/** GenAI `parts` messages from the case's chat messages, as an OTel GenAI instrumentation would record them. */
function toGenAiMessages(messages: ChatMessage[]): Json[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.toolCallId ?? '', response: m.content }] };
    const parts: Json[] = [];
    if (typeof m.content === 'string' && m.content !== '') parts.push({ type: 'text', content: m.content });
    for (const call of m.toolCalls ?? []) parts.push({ type: 'tool_call', id: call.id ?? '', name: call.name, arguments: call.args });
    return { role: m.role, parts };
  });
}

/**
 * The same production run as an OTLP/JSON export made with the real OpenTelemetry SDK: an invoke_agent span
 * carrying the request, a chat span per model call and an execute_tool span per tool call (GenAI conventions).
 * `leak` adds a customer email and an API key to the order lookup's result, as a real service response might.
 */
function genAiExport(run: RunArtifact, leak: { email: string; apiKey: string }): string {
  const b = createTraceBuilder({ 'service.name': 'support-agent', 'service.version': '1.0.0', 'deployment.environment.name': 'production' });
  const leaked = (value: Json | undefined, name: string): Json =>
    name === 'lookup_order' && value && typeof value === 'object' && !Array.isArray(value) ? { ...value, contactEmail: leak.email, serviceKey: leak.apiKey } : (value ?? null);
  b.parent(
    'invoke_agent support-agent',
    { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support-agent', 'input.value': JSON.stringify(run.input), 'output.value': JSON.stringify(run.output) } },
    (parent) => {
      for (const event of run.timeline as TimelineEvent[]) {
        if (event.type === 'model') {
          const messages = event.request.messages.map((m) => (m.role === 'tool' ? { ...m, content: leaked(m.content, m.name ?? '') } : m));
          const output = [{ role: 'assistant', parts: toGenAiMessages([{ role: 'assistant', content: event.response.text ?? '', ...(event.response.toolCalls && { toolCalls: event.response.toolCalls }) }])[0]!['parts' as never], finish_reason: event.response.finishReason ?? 'stop' }];
          b.span('chat support-policy-v1', {
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'scripted',
              'gen_ai.request.model': 'support-policy-v1',
              'gen_ai.input.messages': JSON.stringify(toGenAiMessages(messages)),
              'gen_ai.output.messages': JSON.stringify(output),
            },
          }, parent);
        } else {
          b.span(`execute_tool ${event.name}`, {
            attributes: {
              'gen_ai.operation.name': 'execute_tool',
              'gen_ai.tool.name': event.name,
              ...(event.callId && { 'gen_ai.tool.call.id': event.callId }),
              'gen_ai.tool.call.arguments': JSON.stringify(event.args),
              ...(!event.error && { 'gen_ai.tool.call.result': JSON.stringify(leaked(event.result, event.name)) }),
            },
            ...(event.error && { error: { type: event.error.name ?? 'Error', message: event.error.message } }),
          }, parent);
        }
      }
    },
  );
  return b.toJson();
}

describe('OTel GenAI export → promote --yes → rehearse run', () => {
  const email = 'jo.whitfield@example.org';
  const apiKey = 'sk-proj-Xb7kR2mQ9vL4tN8pW1zY6cH3jF5dS0aE';
  let project: string;
  let traceFile: string;

  beforeAll(async () => {
    project = makeProject();
    const run = await captureV1Run(DOUBLE_REFUND, join(project, 'captured'));
    traceFile = join(project, 'otel-export.json');
    writeFileSync(traceFile, genAiExport(run, { email, apiKey }));
  });

  it('promotes the trace with --yes, redacts the leaked secrets, and the current agent fixes it', () => {
    const promoted = rehearse(project, ['promote', traceFile, '--suite', 'support', '--id', 'double-refund-otel', '--note', NOTE, '--yes']);
    expect(promoted.stderr).toBe('');
    expect(promoted.status).toBe(0);
    const file = join(project, 'suites', 'support', 'double-refund-otel.case.json');
    const text = readFileSync(file, 'utf8');
    const written = JSON.parse(text) as Case;
    expect(written.source).toMatchObject({ kind: 'otel', agentVersion: 'support-agent 1.0.0' });
    expect(written.input).toEqual(DOUBLE_REFUND);
    expect(written.timeline.map((e) => (e.type === 'tool' ? e.name : 'model'))).toEqual(['model', 'lookup_order', 'model', 'issue_refund', 'model', 'issue_refund', 'model']);
    expect(written.outcome.failure).toMatchObject({ atStep: 3 }); // the first tool error: the gateway timeout

    // Redaction on promote: neither secret reaches the file; each has one placeholder everywhere it appeared.
    expect(text).not.toContain(email);
    expect(text).not.toContain(apiKey);
    const lookup = written.timeline[1]!;
    expect(lookup.type === 'tool' && lookup.result).toMatchObject({ contactEmail: '<<EMAIL_1>>' });
    const emailRecord = written.redactions?.find((r) => r.placeholder === '<<EMAIL_1>>');
    expect(emailRecord?.rule).toBe('email');
    expect(emailRecord?.pointers).toEqual(expect.arrayContaining(['/timeline/1/result/contactEmail', '/timeline/2/request/messages/3/content/contactEmail']));
    expect(written.redactions?.some((r) => r.pointers.includes('/timeline/1/result/serviceKey'))).toBe(true);

    expect(verdictOf(project, 'suites/support/double-refund-otel.case.json')).toBe('fixed');
  });

  it('rehearse import writes each trace as a run file that promotes like the export; a trace without content is refused', () => {
    const noContent = createTraceBuilder();
    noContent.span('chat gpt-4o', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } });
    const jsonl = join(project, 'exports.jsonl');
    writeFileSync(jsonl, `${readFileSync(traceFile, 'utf8')}\n${noContent.toJson()}\n`);
    const imported = rehearse(project, ['import', jsonl, '--out', 'imported']);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(/without message content.*OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true/);
    expect(imported.stdout).toMatch(/^imported\/.*\.run\.json {2}\(otel, 7 steps, ok\)$/m);
    expect(imported.stdout).toContain('Imported 1 of 2 traces.');
    const runFile = join(project, 'imported', readdirSync(join(project, 'imported'))[0]!);
    const promoted = rehearse(project, ['promote', runFile, '--suite', 'support', '--id', 'from-import', '--yes']);
    expect(promoted.status).toBe(0);
    const written = JSON.parse(readFileSync(join(project, 'suites', 'support', 'from-import.case.json'), 'utf8')) as Case;
    expect(written.source).toMatchObject({ kind: 'otel', agentVersion: 'support-agent 1.0.0' });
    expect(written.source?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(written)).not.toContain(email);
  });
});
