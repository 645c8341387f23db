import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunArtifact } from '../model/run-artifact.js';
import type { ToolCallEvent } from '../model/case.js';
import { recordable } from '../replay/recordable.js';
import { runWithInterceptor } from '../replay/scope.js';
import { capture, currentRun } from './capture.js';
import { createRecorder, type RecorderOptions } from './recorder.js';
import { recordableModel } from './model-call.js';
import { directorySink, jsonlSink } from './sinks.js';
import { validateRun } from './run-schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rehearse-capture-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const lookupOrder = recordable('lookup_order', async ({ orderId }: { orderId: string }) => {
  await sleep(2);
  return { orderId, status: 'shipped' };
});
const refund = recordable('refund', async (_args: { orderId: string }) => {
  throw new HttpError('refunds are closed', 'E_REFUND_CLOSED');
});
/** A fake OpenAI client call: the real shape of a chat completion, answered locally. */
const complete = recordableModel(
  async (body: { model: string; messages: { role: string; content: string }[]; temperature?: number }) => ({
    id: 'chatcmpl-1',
    model: body.model,
    choices: [{ message: { role: 'assistant', content: `answer to ${body.messages.at(-1)?.content}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
  }),
  { provider: 'openai' },
);

async function supportAgent(input: { orderId: string; refund?: boolean }): Promise<string> {
  const order = await lookupOrder({ orderId: input.orderId });
  if (input.refund) await refund({ orderId: input.orderId });
  const reply = await complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `status of ${order.orderId}` }], temperature: 0 });
  return reply.choices[0]!.message.content;
}

async function readRuns(runsDir: string): Promise<RunArtifact[]> {
  const files = (await readdir(runsDir)).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(runsDir, f), 'utf8')) as RunArtifact));
}

describe('capture', () => {
  it('records a successful run (input, tool and model calls in order, output, metadata) as one valid file', async () => {
    const agent = capture(supportAgent, {
      sink: directorySink(dir),
      agent: { name: 'support-bot', version: '2.0.0', commit: 'abc1234' },
      environment: 'production',
      metadata: { region: 'eu' },
    });
    const answer = await agent({ orderId: 'A-1042' });
    expect(answer).toBe('answer to status of A-1042');
    await agent.flush();

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f-]{36}\.run\.json$/);
    const [run] = await readRuns(dir);
    expect(await validateRun(run)).toEqual([]);
    expect(run).toMatchObject({
      format: 'rehearse.run',
      version: 1,
      agent: { name: 'support-bot', version: '2.0.0', commit: 'abc1234' },
      environment: 'production',
      input: { orderId: 'A-1042' },
      output: 'answer to status of A-1042',
      status: 'ok',
      metadata: { region: 'eu' },
    });
    expect(run!.timeline).toHaveLength(2);
    expect(run!.timeline[0]).toMatchObject({ type: 'tool', name: 'lookup_order', args: { orderId: 'A-1042' }, result: { orderId: 'A-1042', status: 'shipped' } });
    expect((run!.timeline[0] as ToolCallEvent).durationMs).toBeGreaterThanOrEqual(1);
    expect(run!.timeline[1]).toMatchObject({
      type: 'model',
      id: 'chatcmpl-1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      request: { messages: [{ role: 'user', content: 'status of A-1042' }], params: { temperature: 0 } },
      response: { text: 'answer to status of A-1042', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 5, totalTokens: 16 } },
    });
    expect(Date.parse(run!.endedAt) - Date.parse(run!.startedAt)).toBeGreaterThanOrEqual(Math.floor(run!.durationMs) - 1);
  });

  it('records a thrown tool error and the agent error, and rethrows the very same error', async () => {
    const agent = capture(supportAgent, { sink: directorySink(dir) });
    const thrown = await agent({ orderId: 'A-7', refund: true }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(HttpError);
    await agent.flush();
    const [run] = await readRuns(dir);
    expect(await validateRun(run)).toEqual([]);
    expect(run!.status).toBe('errored');
    expect(run!.output).toBeUndefined();
    expect(run!.error).toMatchObject({ message: 'refunds are closed', name: 'HttpError', code: 'E_REFUND_CLOSED' });
    expect(run!.timeline.map((e) => (e.type === 'tool' ? e.name : e.type))).toEqual(['lookup_order', 'refund']);
    const failed = run!.timeline[1] as ToolCallEvent;
    expect(failed.result).toBeUndefined();
    expect(failed.error).toMatchObject({ message: 'refunds are closed', name: 'HttpError', code: 'E_REFUND_CLOSED' });
    expect(failed.error?.stack).toContain('refunds are closed');
  });

  it('keeps concurrent runs apart (AsyncLocalStorage), written as JSONL lines', async () => {
    const file = join(dir, 'nested', 'runs.jsonl');
    const step = recordable('step', async ({ run, n }: { run: string; n: number }) => {
      await sleep(n % 2 === 0 ? 3 : 1);
      return `${run}:${n}`;
    });
    const agent = capture(
      async ({ run, delay }: { run: string; delay: number }) => {
        const out: string[] = [];
        for (let n = 0; n < 4; n++) {
          await sleep(delay);
          out.push(await step({ run, n }));
        }
        // Overlapping calls inside one run keep their start order.
        out.push(...(await Promise.all([step({ run, n: 10 }), step({ run, n: 11 })])));
        return out;
      },
      { sink: jsonlSink(file) },
    );
    const [a, b] = await Promise.all([agent({ run: 'a', delay: 1 }), agent({ run: 'b', delay: 2 })]);
    expect(a).toHaveLength(6);
    expect(b).toHaveLength(6);
    await agent.flush();
    const runs = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as RunArtifact);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(await validateRun(run)).toEqual([]);
      const name = (run.input as { run: string }).run;
      expect(run.timeline.map((e) => (e as ToolCallEvent).args)).toEqual([0, 1, 2, 3, 10, 11].map((n) => ({ run: name, n })));
      expect(run.timeline.map((e) => (e as ToolCallEvent).result)).toEqual([0, 1, 2, 3, 10, 11].map((n) => `${name}:${n}`));
    }
  });

  it('writes to a stream and to a function sink; a failing sink never reaches the caller', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const received: RunArtifact[] = [];
    const errors: { message: string; stage: string; sink?: string }[] = [];
    const agent = capture(supportAgent, {
      sink: [
        jsonlSink(stream),
        (run) => void received.push(run),
        { name: 'broken store', write: () => Promise.reject(new Error('store is down')) },
        { name: 'throws', write: () => { throw new Error('sync throw'); } },
      ],
      onError: (error, context) => errors.push({ message: error.message, stage: context.stage, ...(context.sink && { sink: context.sink }) }),
    });
    await expect(agent({ orderId: 'A-1' })).resolves.toBe('answer to status of A-1');
    await agent.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(received[0]);
    expect(await validateRun(received[0])).toEqual([]);
    expect(errors.sort((x, y) => String(x.sink).localeCompare(String(y.sink)))).toEqual([
      { message: 'store is down', stage: 'sink', sink: 'broken store' },
      { message: 'sync throw', stage: 'sink', sink: 'throws' },
    ]);
  });

  it('warns once on the console by default when a sink keeps failing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const agent = capture(async (x: number) => x * 2, { sink: directorySink(join(dir, 'file-not-dir', 'x')) });
    await import('node:fs/promises').then((fs) => fs.writeFile(join(dir, 'file-not-dir'), 'a file blocks the directory'));
    expect(await agent(1)).toBe(2);
    expect(await agent(2)).toBe(4);
    await agent.flush();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/rehearse capture: could not write run .* to directory .*not affected/);
  });

  it('redacts before writing: no secret in the file, placeholders stable across input and timeline', async () => {
    const email = ['ada', '@', 'example.com'].join('');
    const key = ['sk', '-proj-', 'Ab3'.repeat(12)].join('');
    const notify = recordable('notify', async (args: { to: string; apiKey: string; note: string }) => ({ sent: true, to: args.to }));
    const agent = capture(async (input: { email: string }) => notify({ to: input.email, apiKey: key, note: `used ${key}` }), {
      sink: directorySink(dir),
    });
    await agent({ email });
    await agent.flush();
    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file!), 'utf8');
    expect(text).not.toContain(email);
    expect(text).not.toContain(key);
    const run = JSON.parse(text) as RunArtifact;
    expect(await validateRun(run)).toEqual([]);
    expect(run.input).toEqual({ email: '<<EMAIL_1>>' });
    expect(run.timeline[0]).toMatchObject({ args: { to: '<<EMAIL_1>>', apiKey: '<<API_KEY_1>>', note: 'used <<API_KEY_1>>' }, result: { to: '<<EMAIL_1>>' } });
    expect(run.redactions).toEqual(
      expect.arrayContaining([
        { placeholder: '<<EMAIL_1>>', rule: 'email', pointers: ['/input/email', '/timeline/0/args/to', '/timeline/0/result/to', '/output/to'] },
        // Found by its key first, so the same key in the note gets the same placeholder.
        { placeholder: '<<API_KEY_1>>', rule: 'key-name', pointers: ['/timeline/0/args/apiKey', '/timeline/0/args/note'] },
      ]),
    );
  });

  it('marks a run failed from inside the agent (currentRun) or through a judge', async () => {
    const runs: RunArtifact[] = [];
    const agent = capture(
      async (input: { orderId: string }) => {
        await lookupOrder(input);
        currentRun()?.fail('answered without checking the refund policy');
        return 'done';
      },
      { sink: (run) => void runs.push(run) },
    );
    await agent({ orderId: 'A-1' });
    const judged = capture(async (x: string) => x.toUpperCase(), { sink: (run) => void runs.push(run), judge: (out) => out === 'BAD' && 'shouted' });
    await judged('bad');
    await judged('fine');
    await Promise.all([agent.flush(), judged.flush()]);
    expect(runs.map((r) => [r.status, r.failure])).toEqual([
      ['failed', { summary: 'answered without checking the refund policy', atStep: 0 }],
      ['failed', { summary: 'shouted' }],
      ['ok', undefined],
    ]);
  });

  it('steps aside inside a replay: the replay answers the tools and nothing is written', async () => {
    const written: RunArtifact[] = [];
    const agent = capture(supportAgent, { sink: (run) => void written.push(run) });
    const calls: string[] = [];
    const replay = {
      async callTool(name: string, args: unknown) {
        calls.push(name);
        return { ...(args as object), status: 'replayed' };
      },
    };
    await runWithInterceptor(replay, () => agent({ orderId: 'A-9' }));
    await agent.flush();
    expect(calls).toEqual(['lookup_order']);
    expect(written).toEqual([]);
  });

  it('records an inner captured run in its own artifact and in the outer one', async () => {
    const runs: RunArtifact[] = [];
    const inner = capture(async (id: string) => lookupOrder({ orderId: id }), { sink: (run) => void runs.push(run), agent: { name: 'inner' } });
    const outer = capture(async (id: string) => (await inner(id)).status, { sink: (run) => void runs.push(run), agent: { name: 'outer' } });
    expect(await outer('A-5')).toBe('shipped');
    await Promise.all([inner.flush(), outer.flush()]);
    const byName: Record<string, RunArtifact> = Object.fromEntries(runs.map((r) => [r.agent.name ?? '', r]));
    expect(byName['inner']?.timeline.map((e) => (e as ToolCallEvent).name)).toEqual(['lookup_order']);
    expect(byName['outer']?.timeline.map((e) => (e as ToolCallEvent).name)).toEqual(['lookup_order']);
  });

  it('keeps the signature of a synchronous agent and snapshots arguments when the call starts', async () => {
    const runs: RunArtifact[] = [];
    const sync = capture((a: number, b: number) => a + b, { sink: (run) => void runs.push(run), input: (a, b) => ({ a, b }) });
    expect(sync(2, 3)).toBe(5);
    const mutating = recordable('mutate', async (args: { items: string[] }) => {
      args.items.push('added by the tool');
      return args.items.length;
    });
    const agent = capture(async () => mutating({ items: ['a'] }), { sink: (run) => void runs.push(run) });
    expect(await agent()).toBe(2);
    await Promise.all([sync.flush(), agent.flush()]);
    expect(runs[0]).toMatchObject({ input: { a: 2, b: 3 }, output: 5, status: 'ok' });
    expect(runs[1]?.timeline[0]).toMatchObject({ args: { items: ['a'] }, result: 2 });
  });

  it('takes the commit from GITHUB_SHA and records nothing when disabled', async () => {
    vi.stubEnv('GITHUB_SHA', 'f00dfeed');
    vi.stubEnv('REHEARSE_CAPTURE', '');
    const runs: RunArtifact[] = [];
    const agent = capture(async (x: number) => x, { sink: (run) => void runs.push(run) });
    await agent(1);
    vi.stubEnv('REHEARSE_CAPTURE', 'off');
    const off = capture(async (x: number) => x, { sink: (run) => void runs.push(run) });
    await off(2);
    await Promise.all([agent.flush(), off.flush()]);
    vi.unstubAllEnvs();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.agent.commit).toBe('f00dfeed');
  });
});

describe('keep: which runs reach the sinks', () => {
  const agent = (keep: RecorderOptions['keep'], runs: RunArtifact[], errors: string[] = []) =>
    capture(
      async (n: number) => {
        if (n === 2) throw new Error('tool timed out');
        if (n === 3) currentRun()?.fail('wrong order');
        return n * 10;
      },
      { keep, sink: (run) => void runs.push(run), judge: (out) => out === 40 && 'judged wrong', onError: (e) => errors.push(e.message) },
    );
  const callAll = async (fn: (n: number) => Promise<number>) => {
    for (const n of [1, 2, 3, 4, 5]) await fn(n).catch(() => {});
  };

  it("'failed' keeps the runs that threw, were marked failed or were judged wrong", async () => {
    const runs: RunArtifact[] = [];
    const fn = agent('failed', runs);
    await callAll(fn);
    await fn.flush();
    expect(runs.map((r) => [r.input, r.status])).toEqual([
      [2, 'errored'],
      [3, 'failed'],
      [4, 'failed'],
    ]);
    expect(runs[1]?.failure?.summary).toBe('wrong order');
    expect(runs[2]?.failure?.summary).toBe('judged wrong');
  });

  it('a function decides per run from how it ended; one that throws keeps the run and is reported', async () => {
    const runs: RunArtifact[] = [];
    const seen: string[] = [];
    const fn = agent((run) => {
      seen.push(`${run.status}${run.errorName ? ` ${run.errorName}` : ''}${run.failure ? ` ${run.failure.summary}` : ''}`);
      return run.status !== 'ok';
    }, runs);
    await callAll(fn);
    await fn.flush();
    expect(seen).toEqual(['ok', 'errored Error', 'failed wrong order', 'failed judged wrong', 'ok']);
    expect(runs.map((r) => r.input)).toEqual([2, 3, 4]);

    const kept: RunArtifact[] = [];
    const errors: string[] = [];
    const throwing = agent(() => {
      throw new Error('keep broke');
    }, kept, errors);
    await throwing(1);
    await throwing.flush();
    expect(kept.map((r) => r.input)).toEqual([1]);
    expect(errors).toEqual(['keep broke']);
  });
});

describe('redaction options that cannot cross to the writer thread', () => {
  it('are still applied: the file sink writes the run redacted by them and by the built-in rules', async () => {
    const file = join(dir, 'runs.jsonl');
    // A function cannot be cloned to another thread, so these rules are applied where they were given.
    const rule = { name: 'ticket', pattern: /TICKET-\d{4}/, describe: () => 'support tickets' };
    const agent = capture(async (text: string) => `seen ${text}`, { sink: jsonlSink(file), redact: { rules: [rule] } });
    await agent('TICKET-1234 from ada@example.com');
    await agent.flush();
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/TICKET-1234|ada@example\.com/);
    const stored = JSON.parse(text) as RunArtifact;
    expect(stored.input).toBe('<<TICKET_1>> from <<EMAIL_1>>');
    expect(stored.output).toBe('seen <<TICKET_1>> from <<EMAIL_1>>');
  });
});

describe('createRecorder', () => {
  it('drives a run by hand: within(), recorded calls, annotate, end()', async () => {
    const recorder = createRecorder({ sink: directorySink(dir), environment: 'staging' });
    const run = recorder.start({ question: 'hi' }, { runId: 'req-42', metadata: { user: 'u1' } });
    const result = await run.within(() => lookupOrder({ orderId: 'A-3' }));
    run.recordModelCall({ model: 'claude', request: { messages: [{ role: 'user', content: 'hi' }] }, response: { text: 'hello' } });
    run.recordToolCall({ name: 'log', args: { line: 1 }, result: null });
    run.annotate({ plan: 'pro' });
    await run.end({ output: { answer: result.status } });
    const [file] = await readdir(dir);
    expect(file).toMatch(/-req-42\.run\.json$/);
    const stored = JSON.parse(await readFile(join(dir, file!), 'utf8')) as RunArtifact;
    expect(await validateRun(stored)).toEqual([]);
    expect(stored).toMatchObject({ environment: 'staging', metadata: { user: 'u1', plan: 'pro' }, output: { answer: 'shipped' } });
    expect(stored.timeline.map((e) => e.type)).toEqual(['tool', 'model', 'tool']);
    await run.end({ output: 'again' });
    await recorder.flush();
    expect(await readdir(dir)).toEqual([file]); // ending twice writes nothing more
  });
});
