// Capture overhead: how much latency capture() adds to an agent step that takes 1 ms.
//
// The agent receives a realistic input (~1 KB), makes one recordable tool call and one model call through
// recordableModel, and returns an answer; each run it records is ~2.3 KB of JSON. Its step takes 1 ms in
// one of two ways:
// - io: the tool waits 1 ms for I/O (a timer standing in for a database or an HTTP call), as most agent
//   steps do. Capture's deferred work (serializing the run and handing it to the writer thread) runs while
//   the agent waits, so what the caller waits for is the recording itself.
// - cpu: the tool computes for 1 ms (fixed work calibrated once) after one event-loop turn: the harshest
//   case, a process with no idle time at all, where every microsecond capture spends on the agent's thread
//   lands in some caller's latency.
// Each variant runs in a process of its own, so the plain agent pays nothing capture brings with it (the
// AsyncLocalStorage promise hooks, a writer thread, a larger heap), warmed up to steady state. The
// variants run in turns, several rounds; each round's figures are compared with that round's plain
// process and the median over rounds is reported, so drift on a shared machine hurts every variant alike
// and one lucky round cannot decide. Reported per call:
// - median: the median time a caller waits (capture redacts and writes after returning);
// - mean: the mean time per call, which batching cannot hide the way it can hide work from the median:
//   the figure held to the target;
// - agent thread: CPU time of the agent's thread per call (Linux), which other processes cannot inflate;
// - all CPU: process CPU time per call, every thread (the writer thread, and V8's garbage collector helpers),
//   including the deferred redaction and writes.
// Target: < 5% added mean latency, for each of the built-in sinks.
//
// Usage: node bench/capture.mjs [--calls 1000] [--rounds 5] [--scenario io|cpu|both] [--json] [--compare] [--parts]
//   --compare also measures the file sinks writing on the main thread ({ worker: false });
//   --parts measures the plain agent with AsyncLocalStorage on, recording alone, and recording plus
//   serializing, without redaction or a sink.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const calls = Number(option('--calls', 1000));
const WARM_UP_CALLS = 2000;

let blackhole = 0;
function spin(iterations) {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1000003;
  blackhole ^= x;
}

if (args.includes('--child')) await child(option('--child'), option('--scenario'), option('--lib'), Number(option('--iterations')), option('--work'));
else await parent();

async function parent() {
  const rounds = Number(option('--rounds', 5));
  const asJson = args.includes('--json');
  const scenarioOption = option('--scenario', 'both');
  const scenarios = scenarioOption === 'both' ? ['io', 'cpu'] : [scenarioOption];
  // Bundle the TypeScript sources (capture + recordable) into one temporary ESM file the children import.
  const work = await mkdtemp(join(tmpdir(), 'rehearse-bench-capture-'));
  const lib = join(work, 'capture.mjs');
  await build({
    stdin: {
      contents: "export * from './src/capture/index.ts'; export { recordable } from './src/replay/recordable.ts';",
      resolveDir: root,
      sourcefile: 'bench-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: lib,
    logLevel: 'error',
  });
  // Fixed CPU work calibrated to ~1 ms (best of several trials, so a busy machine makes it shorter, not
  // longer), once, so every process does the same work.
  let iterations = 100_000;
  for (let round = 0; round < 5; round++) {
    let best = Infinity;
    for (let trial = 0; trial < 20; trial++) {
      const t = performance.now();
      spin(iterations);
      best = Math.min(best, performance.now() - t);
    }
    iterations = Math.max(1000, Math.round(iterations / best));
  }
  const names = [
    'plain',
    'directory',
    'jsonl-file',
    'jsonl-function',
    'function',
    'directory-failed',
    ...(args.includes('--compare') ? ['directory-main', 'jsonl-main'] : []),
    ...(args.includes('--parts') ? ['plain-als', 'record-only', 'record-stringify'] : []),
  ];
  const LABEL = {
    plain: 'plain (no capture)',
    directory: 'capture → directory sink',
    'jsonl-file': 'capture → jsonl file',
    'jsonl-function': 'capture → jsonl function',
    function: 'capture → function sink',
    'directory-failed': "directory, keep: 'failed'",
    'directory-main': 'directory, main thread',
    'jsonl-main': 'jsonl file, main thread',
    'plain-als': 'plain, AsyncLocalStorage on',
    'record-only': 'recording only',
    'record-stringify': 'recording + JSON.stringify',
  };
  const VERDICT = {
    directory: 'directory sink (default)',
    'jsonl-file': 'JSONL file',
    'jsonl-function': 'JSONL to a function',
    function: 'function of run objects',
    'directory-failed': "keep: 'failed', a run that went well",
  };
  const FIGURES = ['median', 'mean', 'agentThread', 'cpu'];
  const mid = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const pct = (ratio) => +((ratio - 1) * 100).toFixed(2);

  const results = [];
  let firstRunMs = Infinity;
  for (const scenario of scenarios) {
    const samples = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const name of names) {
        const out = execFileSync(
          process.execPath,
          [self, '--child', name, '--scenario', scenario, '--lib', lib, '--iterations', String(iterations), '--calls', String(calls), '--work', join(work, `${scenario}-${name}-${round}`)],
          { encoding: 'utf8' },
        );
        samples[name].push(JSON.parse(out));
      }
    }
    const rows = names.map((name) => {
      const row = { variant: LABEL[name] };
      for (const figure of FIGURES) {
        row[`${figure}Ms`] = +mid(samples[name].map((r) => r[figure])).toFixed(4);
        row[`added${figure[0].toUpperCase()}${figure.slice(1)}Pct`] = pct(mid(samples[name].map((r, i) => r[figure] / samples.plain[i][figure])));
      }
      return row;
    });
    for (const r of samples.directory) firstRunMs = Math.min(firstRunMs, r.firstRunMs);
    const verdicts = Object.entries(VERDICT).map(([name, label]) => {
      const row = rows[names.indexOf(name)];
      return { sink: label, addedMeanPct: row.addedMeanPct, pass: row.addedMeanPct < 5 };
    });
    results.push({ scenario, rows, verdicts });
  }
  await rm(work, { recursive: true, force: true });

  if (asJson) {
    console.log(JSON.stringify({ calls, rounds, firstRunMs: +firstRunMs.toFixed(1), scenarios: results }, null, 2));
    return;
  }
  const TITLE = { io: 'the tool waits 1 ms for I/O', cpu: 'the tool computes for 1 ms, no idle time' };
  console.log(`capture overhead, ${calls} sequential calls per process, median of ${rounds} rounds, Node ${process.version}, load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  for (const { scenario, rows, verdicts } of results) {
    console.log(`\n${scenario}: ${TITLE[scenario]}`);
    console.log('variant                     median ms   mean ms  agent thread ms  all CPU ms  +median   +mean  +agent thread   +CPU');
    for (const r of rows) {
      console.log(
        `${r.variant.padEnd(27)} ${r.medianMs.toFixed(4).padStart(9)}  ${r.meanMs.toFixed(4).padStart(8)}  ${r.agentThreadMs.toFixed(4).padStart(15)}  ${r.cpuMs.toFixed(4).padStart(10)}  ${`${r.addedMedianPct}%`.padStart(7)}  ${`${r.addedMeanPct}%`.padStart(6)}  ${`${r.addedAgentThreadPct}%`.padStart(13)}  ${`${r.addedCpuPct}%`.padStart(6)}`,
      );
    }
    console.log(`${scenario}: added mean latency (target < 5%): ${verdicts.map((v) => `${v.sink} ${v.addedMeanPct}% ${v.pass ? 'PASS' : 'MISS'}`).join(', ')}`);
  }
  console.log(`\nfirst captured run to the directory sink written in ${firstRunMs.toFixed(1)} ms (starts the writer thread, once per process)`);
}

async function child(name, scenario, lib, iterations, work) {
  const { capture, recordable, recordableModel, directorySink, jsonlSink } = await import(pathToFileURL(lib).href);
  const step =
    scenario === 'io'
      ? () => new Promise((resolve) => setTimeout(resolve, 1))
      : async () => {
          // One event-loop turn, so capture's deferred work of the previous run gets its turn here, inside
          // the measured latency, then the CPU work.
          await new Promise((resolve) => setImmediate(resolve));
          spin(iterations);
        };

  const lookupOrder = recordable('lookup_order', async ({ orderId }) => {
    await step();
    return { orderId, status: 'shipped', items: [{ sku: 'SKU-1', qty: 2, price: 19.99 }], carrier: 'UPS', eta: '2024-06-14' };
  });
  const complete = recordableModel(async (body) => ({
    id: 'chatcmpl-1',
    model: body.model,
    choices: [{ message: { role: 'assistant', content: 'Your order has shipped and arrives on June 14.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 320, completion_tokens: 14, total_tokens: 334 },
  }));

  async function agent(input) {
    const order = await lookupOrder({ orderId: input.orderId });
    const reply = await complete({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a helpful support agent for an online store. Be brief and precise.' },
        ...input.history,
        { role: 'user', content: input.message },
        { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify(order) },
      ],
      temperature: 0,
    });
    return { answer: reply.choices[0].message.content, orderId: order.orderId };
  }

  const input = {
    orderId: 'A-1042',
    message: 'Hi, where is my order A-1042? I ordered it last week and it has not arrived. My email is ada@example.com.',
    customer: { id: 'cus_1042', name: 'Ada Lovelace', tier: 'pro', since: '2021-03-04' },
    history: Array.from({ length: 4 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `Earlier message number ${i} about a previous order, kept for context.` })),
  };

  const sinks = {
    directory: () => directorySink(join(work, 'runs')),
    'jsonl-file': () => jsonlSink(join(work, 'runs.jsonl')),
    // Shipping runs elsewhere as JSON (a queue, an HTTP endpoint): the function receives each run's JSON.
    'jsonl-function': () => jsonlSink((json) => void json.length),
    // A function of run objects that ships them as JSON: it serializes them itself.
    function: () => (run) => void JSON.stringify(run),
    // Production default for many: only failures are written. Every run here goes well, so this is what
    // capture costs a run it records but does not keep.
    'directory-failed': () => directorySink(join(work, 'runs')),
    'directory-main': () => directorySink(join(work, 'runs'), { worker: false }),
    'jsonl-main': () => jsonlSink(join(work, 'runs.jsonl'), { worker: false }),
    // Parts of the cost, for --parts: recording alone (no redaction, a sink that does nothing), and with the
    // serialization the file sinks do on the agent's thread.
    'record-only': () => () => {},
    'record-stringify': () => (run) => void JSON.stringify(run),
  };
  const unredacted = name === 'record-only' || name === 'record-stringify';
  if (name === 'plain-als') {
    // The plain agent in a process where AsyncLocalStorage is on (as under OpenTelemetry, Next.js, Sentry):
    // Node 20 then runs promise hooks for every promise, which capture otherwise brings with it.
    const { AsyncLocalStorage } = await import('node:async_hooks');
    new AsyncLocalStorage().enterWith({});
  }
  const fn =
    name === 'plain' || name === 'plain-als'
      ? agent
      : capture(agent, { sink: sinks[name](), ...(unredacted && { redact: false }), ...(name === 'directory-failed' && { keep: 'failed' }) });

  // The first captured run also starts the writer thread: time it apart, once.
  const firstStarted = performance.now();
  await fn(input);
  await fn.flush?.();
  const firstRunMs = performance.now() - firstStarted;
  // Steady state, as in a server that has been up a while: V8 optimizes the hot functions after a few
  // thousand calls, compiling on background threads that would otherwise be counted against capture.
  for (let i = 0; i < WARM_UP_CALLS; i++) await fn(input);
  await fn.flush?.();

  const latencies = new Float64Array(calls);
  const thread0 = threadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await fn(input);
    latencies[i] = performance.now() - s;
  }
  const callsDone = performance.now();
  const threadCpu = threadCpuMs() - thread0;
  await fn.flush?.();
  const cpu = process.cpuUsage(cpu0);
  latencies.sort();
  process.stdout.write(
    JSON.stringify({ median: latencies[Math.floor(calls / 2)], mean: (callsDone - t0) / calls, agentThread: threadCpu / calls, cpu: (cpu.user + cpu.system) / 1000 / calls, firstRunMs }),
  );
}

/**
 * CPU time of the calling thread, in ms, from the kernel's scheduler statistics (nanoseconds, Linux): the
 * time the agent's thread itself ran, which other processes on a shared machine cannot inflate the way
 * they inflate wall time. NaN where the file does not exist.
 */
function threadCpuMs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
