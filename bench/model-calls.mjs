// Model-call replay overhead: what answering an agent's model calls from a case's recording costs per
// call, over the same client answered by a direct stub fetch (a function that returns the response
// body, nothing else). The agent uses the real `openai` client with `fetch: rehearse.fetch`, making 20 chat
// calls per case, each with the conversation so far; the replay matches each request against the 20
// recorded ones and rebuilds the provider's response. Target: under 1 ms per call.
//
// Usage: node bench/model-calls.mjs [--cases 200] [--stream] [--json]
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const cases = Number(args[args.indexOf('--cases') + 1]) || 200;
const stream = args.includes('--stream');
const asJson = args.includes('--json');
const CALLS = 20;

// Bundle the TypeScript sources the replay needs into bench/.work/ and import them.
const work = join(root, 'bench', '.work');
await mkdir(work, { recursive: true });
const outfile = join(work, 'model-calls.mjs');
await build({
  stdin: {
    contents: [
      "export { ReplaySession } from './src/replay/replay-session.ts';",
      "export { ModelCallHandler } from './src/model-calls/model-call-handler.ts';",
      "export { runWithInterceptor } from './src/replay/scope.ts';",
      "export { rehearseFetch } from './src/model-calls/fetch.ts';",
      "export { openaiChat } from './src/model-calls/providers/openai-chat.ts';",
      "export { mapChatRequest } from './src/capture/model-shapes.ts';",
    ].join('\n'),
    resolveDir: root,
    sourcefile: 'bench-model-calls.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'error',
});
const { ReplaySession, ModelCallHandler, runWithInterceptor, rehearseFetch, openaiChat, mapChatRequest } = await import(pathToFileURL(outfile).href);
const { default: OpenAI } = await import('openai');

// The recorded case: 20 model calls, each with the conversation so far (as capture records them).
const SYSTEM = 'You are a support agent for an online shop. Answer briefly and call tools when you need data. '.repeat(8);
function turnMessages(i) {
  const messages = [{ role: 'system', content: SYSTEM }];
  for (let k = 0; k <= i; k++) {
    messages.push({ role: 'user', content: `Question ${k}: where is order ${1000 + k} and can it still be changed?` });
    if (k < i) messages.push({ role: 'assistant', content: `Order ${1000 + k} is packed and ships tomorrow; it can no longer be changed.` });
  }
  return messages;
}
const bodies = Array.from({ length: CALLS }, (_, i) => ({ model: 'gpt-4o-mini', temperature: 0, messages: turnMessages(i) }));
const timeline = bodies.map((body, i) => {
  const { model, ...request } = mapChatRequest(body);
  return { type: 'model', provider: 'openai', model, request, response: { text: `Order ${1000 + i} is packed and ships tomorrow; it can no longer be changed.`, finishReason: 'stop', usage: { inputTokens: 300 + 40 * i, outputTokens: 20 } } };
});

// The direct stub answers the n-th call with the body the recording would produce, prebuilt.
const prebuilt = timeline.map((event, i) => JSON.stringify(openaiChat.jsonBody(event, i + 1)));
// Streams are delivered one event per chunk, as the replay does (and providers do), so the comparison
// measures rehearse, not the SDK's per-chunk work.
const encoder = new TextEncoder();
const prebuiltSse = timeline.map((event, i) => openaiChat.sseEvents(event, i + 1).map((e) => encoder.encode(`data: ${e.data}\n\n`)));
function chunked(chunks) {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
  });
}
function stubFetch() {
  let n = 0;
  return async () => {
    const i = n++;
    return stream
      ? new Response(chunked(prebuiltSse[i]), { headers: { 'content-type': 'text/event-stream' } })
      : new Response(prebuilt[i], { headers: { 'content-type': 'application/json' } });
  };
}

async function agent(client) {
  let text = '';
  for (const body of bodies) {
    if (stream) {
      const s = await client.chat.completions.create({ ...body, stream: true });
      for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
    } else {
      const r = await client.chat.completions.create(body);
      text += r.choices[0].message.content;
    }
  }
  return text;
}

async function replayed() {
  // What runCase builds per attempt: a recorded-mode handler, handed to the session.
  const models = new ModelCallHandler(timeline, { mode: 'recorded' });
  const session = new ReplaySession(timeline, { models });
  const client = new OpenAI({ apiKey: 'sk-bench', fetch: rehearseFetch, maxRetries: 0 });
  const out = await runWithInterceptor(session, () => agent(client));
  if (session.divergence || models.summary().drift.length > 0) throw new Error(`replay did not match: ${session.divergence?.message ?? 'drift'}`);
  return out;
}

async function direct() {
  return agent(new OpenAI({ apiKey: 'sk-bench', fetch: stubFetch(), maxRetries: 0 }));
}

async function time(fn) {
  const started = performance.now();
  for (let i = 0; i < cases; i++) await fn();
  return (performance.now() - started) / (cases * CALLS);
}

if ((await replayed()) !== (await direct())) throw new Error('the replayed and the stubbed agent saw different answers');
// Warm up both paths, then alternate rounds so drift in machine load hits both alike; keep the medians.
await time(replayed);
await time(direct);
const replayRounds = [];
const directRounds = [];
for (let round = 0; round < 5; round++) {
  directRounds.push(await time(direct));
  replayRounds.push(await time(replayed));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perCallReplay = median(replayRounds);
const perCallDirect = median(directRounds);
const overhead = perCallReplay - perCallDirect;
const result = {
  calls: CALLS,
  cases,
  stream,
  directMsPerCall: round(perCallDirect),
  replayMsPerCall: round(perCallReplay),
  overheadMsPerCall: round(overhead),
  targetMs: 1,
  pass: overhead < 1,
};
if (asJson) console.log(JSON.stringify(result));
else {
  console.log(`model-call replay (${stream ? 'streamed' : 'JSON'} answers, openai client, ${CALLS} recorded calls per case, ${cases} cases × 5 rounds)`);
  console.log(`  direct stub fetch:   ${result.directMsPerCall} ms per call`);
  console.log(`  rehearse.fetch:      ${result.replayMsPerCall} ms per call`);
  console.log(`  overhead:            ${result.overheadMsPerCall} ms per call (target < 1 ms) ${result.pass ? 'OK' : 'OVER BUDGET'}`);
}
process.exitCode = result.pass ? 0 : 1;

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}
