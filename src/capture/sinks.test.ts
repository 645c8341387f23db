import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunArtifact } from '../model/run-artifact.js';
import { BackgroundWriter } from './background-writer.js';
import { capture } from './capture.js';
import { directorySink, jsonlSink, runFileName, type FileSinkOptions } from './sinks.js';

const run = promisify(execFile);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rehearse-sinks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeRun(i: number, padding = 0): RunArtifact {
  return {
    format: 'rehearse.run',
    version: 1,
    runId: `run-${String(i).padStart(4, '0')}`,
    agent: {},
    startedAt: '2024-06-11T10:30:00.123Z',
    endedAt: '2024-06-11T10:30:00.456Z',
    durationMs: 333,
    input: { i, padding: 'x'.repeat(padding) },
    timeline: [],
    status: 'ok',
  };
}

describe.each<[string, FileSinkOptions]>([
  ['worker thread', {}],
  ['main thread', { worker: false }],
])('file sinks (%s)', (_label, options) => {
  it('directory: every run is on disk, whole, when its write resolves; no temporary file is left', async () => {
    const runsDir = join(dir, 'nested', 'runs'); // created on demand
    const sink = directorySink(runsDir, options);
    const runs = Array.from({ length: 50 }, (_, i) => fakeRun(i, 100));
    await Promise.all(runs.map((r) => sink.write(r)));
    const names = (await readdir(runsDir)).sort();
    expect(names).toEqual(runs.map((r) => runFileName(r)).sort());
    for (const r of runs) expect(JSON.parse(await readFile(join(runsDir, runFileName(r)), 'utf8'))).toEqual(r);
  });

  it('directory: a reader polling the directory never sees half a run', async () => {
    const sink = directorySink(dir, options);
    // Large runs, so a non-atomic write would be caught half-done.
    const writes = Array.from({ length: 40 }, (_, i) => sink.write(fakeRun(i, 400_000)));
    let settled = false;
    void Promise.all(writes).finally(() => (settled = true));
    let seen = 0;
    while (!settled) {
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.run.json')) continue;
        const text = readFileSync(join(dir, name), 'utf8');
        expect(() => JSON.parse(text), `${name} was visible half-written (${text.length} chars)`).not.toThrow();
        seen++;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(writes);
    expect(readdirSync(dir).filter((n) => n.endsWith('.run.json'))).toHaveLength(40);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(seen).toBeGreaterThan(0);
  });

  it('jsonl: lines are whole and in the order runs reached the sink, across sinks sharing a file', async () => {
    const file = join(dir, 'logs', 'runs.jsonl');
    const a = jsonlSink(file, options);
    const b = jsonlSink(file, options);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) writes.push((i % 3 === 0 ? b : a).write(fakeRun(i, i % 7 === 0 ? 50_000 : 10)) as Promise<void>);
    await Promise.all(writes);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as RunArtifact).runId)).toEqual(Array.from({ length: 300 }, (_, i) => fakeRun(i).runId));
  });

  it('reports write errors through the recorder onError, with the sink name and the file system error', async () => {
    await writeFile(join(dir, 'a-file'), 'blocks the directory');
    const errors: { message: string; sink: string | undefined; code: unknown }[] = [];
    const agent = capture(async (x: number) => x + 1, {
      sink: [directorySink(join(dir, 'a-file', 'runs'), options), jsonlSink(join(dir, 'a-file', 'runs.jsonl'), options)],
      onError: (error, context) => errors.push({ message: error.message, sink: context.sink, code: (error as NodeJS.ErrnoException).code }),
    });
    expect(await agent(1)).toBe(2);
    await agent.flush();
    expect(errors.map((e) => [e.sink, e.code]).sort()).toEqual([
      [`directory ${join(dir, 'a-file', 'runs')}`, 'ENOTDIR'],
      [`jsonl ${join(dir, 'a-file', 'runs.jsonl')}`, 'ENOTDIR'],
    ]);
    for (const e of errors) expect(e.message).toContain(join(dir, 'a-file'));
    expect(readdirSync(dir)).toEqual(['a-file']);
  });

  it('sink.flush() resolves once every run written before it is on disk, without awaiting the writes', async () => {
    const file = join(dir, 'runs.jsonl');
    const lines = jsonlSink(file, options);
    const files = directorySink(join(dir, 'runs'), options);
    for (let i = 0; i < 30; i++) {
      void lines.write(fakeRun(i));
      void files.write(fakeRun(i));
    }
    await Promise.all([lines.flush!(), files.flush!()]);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(30);
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(30);
  });

  it('jsonl to a function or a stream: redacted JSON lines, in the order runs ended, once each', async () => {
    const shipped: string[] = [];
    const stream = new PassThrough();
    let streamed = '';
    stream.on('data', (chunk: Buffer) => (streamed += chunk.toString()));
    const agent = capture(async (x: number) => ({ echo: x, contact: `user${x}@example.com` }), {
      sink: [jsonlSink((json) => void shipped.push(json), options), jsonlSink(stream, options)],
    });
    for (let i = 0; i < 25; i++) await agent(i);
    await agent.flush();
    const streamedLines = streamed.split('\n');
    expect(streamedLines.pop()).toBe('');
    expect(streamedLines).toEqual(shipped); // the same text, each line whole
    const runs = shipped.map((json) => JSON.parse(json) as RunArtifact);
    expect(runs.map((r) => r.input)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(shipped.join('\n')).not.toContain('@example.com');
    expect(runs[3]?.output).toEqual({ echo: 3, contact: '<<EMAIL_1>>' });
  });

  it('jsonl to a function: a rejected or throwing function is reported as a sink error, and later runs still go', async () => {
    const errors: string[] = [];
    let calls = 0;
    const agent = capture(async (x: number) => x, {
      sink: jsonlSink(function ship() {
        if (++calls === 1) throw new Error('queue unavailable');
        if (calls === 2) return Promise.reject(new Error('queue full'));
      }, options),
      onError: (error, context) => errors.push(`${context.stage} ${context.sink}: ${error.message}`),
    });
    for (let i = 0; i < 3; i++) await agent(i);
    await agent.flush();
    expect(calls).toBe(3);
    expect(errors).toEqual(['sink jsonl ship: queue unavailable', 'sink jsonl ship: queue full']);
  });

  it('capture(): every run finished before flush() resolves is on disk', async () => {
    const file = join(dir, 'runs.jsonl');
    const agent = capture(async (x: number) => x * 2, { sink: [directorySink(join(dir, 'runs'), options), jsonlSink(file, options)] });
    await Promise.all(Array.from({ length: 20 }, (_, i) => agent(i)));
    await agent.flush();
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(20);
    const inputs = (await readFile(file, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as RunArtifact).input);
    expect(inputs.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('background writer', () => {
  const line = (file: string, n: number) => ({ kind: 'append' as const, path: file, json: JSON.stringify(fakeRun(n)) });
  const ids = async (file: string) =>
    (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as RunArtifact).runId);

  it('holds jobs back to batch them, and flush() sends them at once', async () => {
    const writer = new BackgroundWriter(undefined, 60_000); // a batch would wait a minute without flush()
    const file = join(dir, 'batched.jsonl');
    const writes = [1, 2, 3].map((n) => writer.write(line(file, n)));
    await writer.flush();
    await Promise.all(writes);
    expect(await ids(file)).toEqual(['run-0001', 'run-0002', 'run-0003']);
  });

  it('writes on the main thread what a worker that died had not written', async () => {
    const writer = new BackgroundWriter(undefined, 60_000);
    const file = join(dir, 'fallback.jsonl');
    const first = writer.write(line(file, 1));
    await writer.flush();
    await first;
    const held = [2, 3].map((n) => writer.write(line(file, n)));
    const worker = (writer as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    await Promise.all(held);
    await writer.write(line(file, 4));
    await writer.flush();
    expect(await ids(file)).toEqual(['run-0001', 'run-0002', 'run-0003', 'run-0004']);
  });

  it('redacts on its thread a run handed over unredacted, and refuses to write one it cannot redact', async () => {
    const writer = new BackgroundWriter(undefined, 0);
    const file = join(dir, 'redacted.jsonl');
    const secret = { ...fakeRun(1), input: { email: 'ada@example.com', key: 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD' } };
    await writer.write({ ...line(file, 1), json: JSON.stringify(secret), redact: {} });
    const broken = writer.write({ ...line(file, 2), redact: { rules: [{ name: 'bad' } as never] } });
    await expect(broken).rejects.toMatchObject({ name: 'RehearseRedactionError', message: expect.stringMatching(/needs a pattern, a pointer or a key/) });
    await writer.write(line(file, 3));
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('sk-proj-');
    const [first, third, ...rest] = text.trim().split('\n').map((l) => JSON.parse(l) as RunArtifact);
    expect(rest).toEqual([]);
    expect(first?.input).toEqual({ email: '<<EMAIL_1>>', key: '<<OPENAI_KEY_1>>' });
    expect(first?.redactions?.map((r) => r.placeholder).sort()).toEqual(['<<EMAIL_1>>', '<<OPENAI_KEY_1>>']);
    expect(third?.runId).toBe('run-0003');
  });

  it('redacts and writes on the main thread a job that cannot be sent to the worker, and flush() still waits for it', async () => {
    const writer = new BackgroundWriter(undefined, 0);
    const file = join(dir, 'uncloneable.jsonl');
    await writer.write(line(file, 1)); // the worker is up
    const secret = { ...fakeRun(2), input: 'call me at ada@example.com' };
    const options = { rules: [{ name: 'ticket', pattern: /TICKET-\d+/, describe: () => 'a function cannot be cloned' }] };
    const write = writer.write({ ...line(file, 2), json: JSON.stringify(secret), redact: options as never });
    await writer.flush();
    await write;
    await writer.write(line(file, 3));
    expect(await ids(file)).toEqual(['run-0001', 'run-0002', 'run-0003']);
    expect(await readFile(file, 'utf8')).toContain('"input":"call me at <<EMAIL_1>>"');
  });

  it('replaces a temporary file a dead writer left at its own temporary name', async () => {
    const writer = new BackgroundWriter(undefined, 0);
    const run = fakeRun(7);
    // The next job is number 1 of this writer: put a half-written file where its temporary file goes.
    const stale = join(dir, `${runFileName(run)}.${writer.tag}-1.tmp`);
    await writeFile(stale, '{"half":');
    await writer.write({ kind: 'file', dir, name: runFileName(run), json: JSON.stringify(run) });
    expect(readdirSync(dir)).toEqual([runFileName(run)]);
    expect(JSON.parse(await readFile(join(dir, runFileName(run)), 'utf8'))).toEqual(run);
  });

  it('capture().flush() asks a batching sink to send, for runs written before and during the flush', async () => {
    const held: RunArtifact[] = [];
    const written: RunArtifact[] = [];
    let release: (() => void) | undefined;
    const sink = {
      name: 'batching',
      write(run: RunArtifact) {
        held.push(run);
        return new Promise<void>((resolve) => {
          const previous = release;
          release = () => {
            previous?.();
            resolve();
          };
        });
      },
      async flush() {
        written.push(...held.splice(0));
        release?.();
        release = undefined;
      },
    };
    const agent = capture(async (x: number) => x, { sink });
    await agent(1);
    await new Promise((resolve) => setImmediate(resolve)); // run 1 reaches the sink before the flush
    await agent(2); // run 2 is still being redacted when the flush starts
    await agent.flush();
    expect(written.map((r) => r.input)).toEqual([1, 2]);
  });

  it('refuses runs beyond its queue cap, with a message that says what to check', async () => {
    const size = JSON.stringify(fakeRun(1)).length;
    const writer = new BackgroundWriter(2 * size); // room for two runs
    const file = join(dir, 'capped.jsonl');
    const first = writer.write(line(file, 1));
    const second = writer.write(line(file, 2));
    await expect(writer.write(line(file, 4))).rejects.toThrow(/capture writer is behind \(2 runs, .* dropped; check that the disk/);
    await Promise.all([first, second]);
    // Once the queue drains there is room again.
    await writer.write(line(file, 3));
    expect(await ids(file)).toEqual(['run-0001', 'run-0002', 'run-0003']);
  });
});

describe('file sinks at process exit (child process)', () => {
  let bundle: string;
  const root = fileURLToPath(new URL('../..', import.meta.url));

  beforeEach(async () => {
    const { build } = await import('esbuild');
    bundle = join(dir, 'sinks.mjs');
    await build({ entryPoints: [join(root, 'src/capture/sinks.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error' });
  });

  const script = (mode: string) => `
    import { directorySink, jsonlSink } from ${JSON.stringify(pathToFileURL(bundle).href)};
    const out = ${JSON.stringify(dir)};
    const runs = directorySink(out + '/runs');
    const lines = jsonlSink(out + '/runs.jsonl');
    const run = (i) => ({ format: 'rehearse.run', version: 1, runId: 'run-' + i, startedAt: '2024-06-11T10:30:00.123Z', pad: 'x'.repeat(20000) });
    const both = (i) => Promise.all([runs.write(run(i)), lines.write(run(i))]);
    let i = 0;
    if (${JSON.stringify(mode)} === 'exit-mid-batch') {
      // Let the worker start and finish some, then leave while it is in the middle of a batch.
      for (; i < 5; i++) await both(i);
      // The first write goes to the worker alone (flush sends at once); the rest queue behind it and go as
      // one batch on its acknowledgement.
      const first = runs.write(run(i));
      void runs.flush();
      lines.write(run(i++));
      for (; i < 200; i++) both(i);
      await first;
      // Wait until the worker is into that batch (some of its lines are on disk), then leave.
      const { readFileSync } = await import('node:fs');
      while (readFileSync(out + '/runs.jsonl', 'utf8').split(String.fromCharCode(10)).length < 20) await new Promise((r) => setTimeout(r, 1));
      process.exit(0);
    }
    for (; i < 200; i++) both(i);
    if (${JSON.stringify(mode)} === 'exit') process.exit(0);
    if (${JSON.stringify(mode)} === 'throw') throw new Error('the agent crashed');
  `;

  it.each(['natural', 'exit', 'exit-mid-batch', 'throw'])('writes every run handed to the sinks when the process ends (%s), each once', async (mode) => {
    const file = join(dir, `child-${mode}.mjs`);
    await writeFile(file, script(mode));
    const child = run(process.execPath, [file], { timeout: 30_000 });
    if (mode === 'throw') await expect(child).rejects.toThrow(/the agent crashed/);
    else await child;
    const names = readdirSync(join(dir, 'runs'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.run.json'))).toHaveLength(200);
    const ids = (await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { runId: string }).runId);
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => `run-${i}`));
  });
});

describe('capture() at process.exit() (child process)', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));

  it('runs the writer thread had not taken are redacted and written by the exit handler, each once, with no secret', async () => {
    const { build } = await import('esbuild');
    const bundle = join(dir, 'capture.mjs');
    await build({ entryPoints: [join(root, 'src/capture/index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error' });
    const file = join(dir, 'child-capture.mjs');
    await writeFile(
      file,
      `
      import { capture, directorySink, jsonlSink } from ${JSON.stringify(pathToFileURL(bundle).href)};
      const out = ${JSON.stringify(dir)};
      const agent = capture(async (request) => ({ reply: 'sent to ' + request.email }), {
        sink: [directorySink(out + '/runs'), jsonlSink(out + '/runs.jsonl')],
      });
      for (let i = 0; i < 40; i++) await agent({ i, email: 'user' + i + '@example.com', key: 'sk-proj-' + 'abcdefghijklmnopqrstuvwxyz0123456789ABCD' });
      // The last runs are finished in the next turn and then wait for the writer's batch: leave before it goes.
      await new Promise((resolve) => setImmediate(resolve));
      process.exit(0);
    `,
    );
    await run(process.execPath, [file], { timeout: 30_000 });
    const names = readdirSync(join(dir, 'runs'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names).toHaveLength(40);
    const lines = (await readFile(join(dir, 'runs.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as RunArtifact).input)).toEqual(Array.from({ length: 40 }, (_, i) => ({ i, email: '<<EMAIL_1>>', key: '<<OPENAI_KEY_1>>' })));
    const everything = lines.join('\n') + names.map((n) => readFileSync(join(dir, 'runs', n), 'utf8')).join('\n');
    expect(everything).not.toMatch(/@example\.com|sk-proj-/);
  });
});
