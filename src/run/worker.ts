/**
 * The case worker: a thread that imports the agent and replays cases, while the main thread watches it.
 * One thread for all cases keeps isolation cheap (a try/catch per case); the main thread can still stop a
 * case that blocks the event loop forever, by terminating this worker and starting another for the rest.
 */
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { AgentFn } from '../model/agent.js';
import type { CaseResult, ErrorInfo } from '../model/result.js';
import { loadCaseText, unreadableCase, type CaseLoadResult, type LoadedCase } from '../case/load-case.js';
import { CaseTextInbox } from './case-text-inbox.js';
import { installNetworkGuard } from '../replay/network-guard.js';
import { currentInterceptor } from '../replay/scope.js';
import { createSelector, identify } from './case-identity.js';
import { erroredCaseResult } from './case-result.js';
import { runCase } from './run-case.js';
import { needsTypeScript, registerTypeScriptLoader } from './typescript-loader.js';
import { mergePrices } from '../model-calls/prices.js';
import { installGlobalDispatcher } from '../model-calls/global-dispatcher.js';
import type { MainMessage, WorkerJob, WorkerMessage } from './protocol.js';

const port = parentPort!;
// The job comes as the first message, not as workerData: the CLI starts this thread before it has read its
// config and found the cases, so the thread's boot overlaps that work (see case-worker.ts).
const [first] = (await once(port, 'message')) as [Extract<MainMessage, { type: 'job' }>];
const job: WorkerJob = first.job;
// Then the case files' texts, read ahead by the main thread (see case-text-inbox.ts).
const caseTexts = new CaseTextInbox((count) => send({ type: 'case-texts-taken', count }));
port.on('message', (message: MainMessage) => {
  if (message.type === 'case-texts') caseTexts.receive(message.items);
});
const watch = new Int32Array(job.watch);
const send = (message: WorkerMessage): void => port.postMessage(message);

// A heartbeat the main thread reads: when it stops moving, a case is blocking the event loop.
setInterval(() => Atomics.add(watch, 0, 1), 50).unref();
trapProcessExit();
installNetworkGuard({ allowHosts: job.allowHosts });
// Model clients that use the global fetch without `fetch: rehearse.fetch` are answered by the replay too.
installGlobalDispatcher();
process.on('uncaughtException', (error) => reportStray(error));
process.on('unhandledRejection', (reason) => reportStray(reason));

const agentPromise = loadAgent();
const selected = await loadSelectedCases();
send({ type: 'selected', indices: selected.map((c) => c.index) });
const agent = await agentPromise;
if (typeof agent !== 'function') {
  send({ type: 'agent-failed', error: agent });
} else {
  await runAll(agent, selected);
}
send({ type: 'done' });
// Nothing more will come: the listener for texts must not keep this thread alive.
port.unref();

interface PendingCase {
  index: number;
  loaded?: LoadedCase;
  error?: ErrorInfo;
}

async function loadAgent(): Promise<AgentFn | ErrorInfo> {
  const where = `${job.agentModule}#${job.agentExport}`;
  try {
    if (needsTypeScript(job.agentModule)) registerTypeScriptLoader(job.cwd, new URL('./ts-hooks.js', import.meta.url));
    const module = (await import(pathToFileURL(job.agentModule).href)) as Record<string, unknown>;
    const fn = module[job.agentExport];
    if (typeof fn === 'function') return fn as AgentFn;
    const exported = Object.keys(module).filter((k) => typeof module[k] === 'function');
    return {
      code: 'AGENT_LOAD_FAILED',
      message: `${where} is ${fn === undefined ? 'not exported' : `a ${typeof fn}, not a function`}; the module exports ${exported.length ? exported.join(', ') : 'no functions'}. Set "agent.export" in the config.`,
    };
  } catch (error) {
    const e = error as Error;
    return { code: 'AGENT_LOAD_FAILED', message: `cannot load the agent ${where}: ${e.message}`, ...(e.stack && { stack: e.stack }) };
  }
}

async function loadSelectedCases(): Promise<PendingCase[]> {
  const select = createSelector(job.selection);
  const filtering = Boolean(job.selection.filter || job.selection.tags?.length);
  // Without a filter every file is selected, so cases are read one at a time as lanes reach them:
  // replay starts at once and only the cases in flight are in memory.
  if (!filtering) return job.indices.map((index) => ({ index }));
  const out: PendingCase[] = [];
  for (const index of job.indices) {
    const ref = job.files[index]!;
    const loaded = await loadCase(index);
    if (loaded.ok) {
      if (select(identify(ref, loaded.data).key, loaded.data)) out.push({ index, loaded });
    } else if (!filtering || (job.selection.filter && ref.display.toLowerCase().includes(job.selection.filter.toLowerCase()))) {
      // A broken case cannot be matched by tag or title; it is shown unless a selection clearly excludes it.
      out.push({ index, error: loaded.error });
    }
  }
  return out;
}

/** Parses and validates a case from the text the main thread read for it. */
async function loadCase(index: number): Promise<CaseLoadResult> {
  const ref = job.files[index]!;
  const taken = caseTexts.take(index);
  const item = taken instanceof Promise ? await taken : taken;
  return item.text !== undefined ? loadCaseText(item.text, ref.path, ref.display) : unreadableCase(ref.path, ref.display, item.readError ?? 'no text was sent for it');
}

async function runAll(agent: AgentFn, cases: PendingCase[]): Promise<void> {
  let indices: number[] = [];
  let texts: string[] = [];
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (indices.length === 0) return;
    send({ type: 'results', indices, texts });
    indices = [];
    texts = [];
  };
  const settings = {
    timeoutMs: job.timeoutMs,
    repeat: job.repeat,
    ...(job.forceRepeat !== undefined && { forceRepeat: job.forceRepeat }),
    ...(job.tools && { tools: job.tools }),
    // The price table is merged once here, not per attempt.
    ...(job.model && { model: { ...job.model, prices: mergePrices(job.model.prices) } }),
    ...(job.judge && { judge: job.judge }),
  };
  let next = 0;
  const lane = async (slot: number): Promise<void> => {
    while (next < cases.length) {
      const pending = cases[next++]!;
      const ref = job.files[pending.index]!;
      Atomics.store(watch, slot, pending.index + 1);
      if (!pending.loaded && !pending.error) {
        const loaded = await loadCase(pending.index);
        if (loaded.ok) pending.loaded = loaded;
        else pending.error = loaded.error;
      }
      let result: CaseResult;
      if (pending.loaded) {
        const identity = identify(ref, pending.loaded.data);
        try {
          result = await runCase(pending.loaded, identity, agent, settings);
        } catch (error) {
          // runCase does not throw for agent failures; this is a bug in rehearse or a hostile agent.
          result = erroredCaseResult(identity, { code: 'AGENT_CRASHED', message: (error as Error)?.message ?? String(error) }, pending.loaded.data);
        }
      } else {
        result = erroredCaseResult(identify(ref), pending.error!);
      }
      Atomics.store(watch, slot, 0);
      delete pending.loaded;
      indices.push(pending.index);
      texts.push(JSON.stringify(result));
      // Batches keep messages few when cases are fast, and the timer keeps progress flowing when they are slow.
      if (indices.length >= 256) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    }
  };
  const lanes = Math.max(1, Math.min(job.concurrency, cases.length));
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i + 1)));
  flush();
}

/** An agent that calls `process.exit` would end every other case with it: make it a throw instead. */
function trapProcessExit(): void {
  process.exit = ((code?: number | string | null) => {
    throw new Error(`the agent called process.exit(${code ?? ''}); rehearse turned it into this error so the other cases can run`);
  }) as typeof process.exit;
}

function reportStray(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const inCase = currentInterceptor() !== undefined;
  send({ type: 'warning', message: `${inCase ? 'an agent' : 'the agent module'} left an error nobody handled: ${message}` });
}
