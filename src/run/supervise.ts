import { readFileSync } from 'node:fs';
import type { Case } from '../model/case.js';
import type { CaseResult, ErrorInfo } from '../model/result.js';
import type { WorkerJob, WorkerMessage } from './protocol.js';
import { CaseTextFeeder } from './case-text-feeder.js';
import { identify } from './case-identity.js';
import { erroredCaseResult } from './case-result.js';
import { sendCaseTexts, sendJob, startCaseWorker, type PrestartedWorker } from './case-worker.js';

export interface SuperviseOptions {
  job: Omit<WorkerJob, 'indices' | 'watch' | 'concurrency'>;
  /** Cases in flight at once, across all workers. */
  concurrency: number;
  /** Worker threads to spread the cases over (fewer when the suite is small). @default 1 */
  workers?: number;
  /** Fewest cases that justify a worker thread of their own. @default 250 */
  minCasesPerWorker?: number;
  workerUrl: URL;
  /** A worker whose event loop is blocked this long is stopped and its running cases marked hung. */
  hangMs: number;
  onSelected(indices: number[]): void | Promise<void>;
  /** A finished case, with its JSON text (what the results file holds for it). */
  onResult(index: number, result: CaseResult, text: string): void | Promise<void>;
  onWarning(message: string): void;
  /** Stops the run: workers are terminated, cases not finished are left out. */
  signal?: AbortSignal;
  /** A worker started while the CLI was still reading its config: used for the first task. */
  prestarted?: PrestartedWorker;
}

interface Task {
  indices: number[];
  concurrency: number;
  /**
   * Set on the first round of tasks: where to record which of its cases the selection keeps (the worker's
   * first message). Tasks that re-run leftovers after a failure hold selected cases only.
   */
  selectionSlot?: number;
}

type WorkerEnd = { kind: 'done' } | { kind: 'failed'; inFlight: number[]; error: ErrorInfo };

/** Below this many cases per worker, another thread's start-up (30-50 ms) costs more than it saves. */
const MIN_CASES_PER_WORKER = 250;

/**
 * Runs the selected cases in worker threads and keeps the run alive through anything an agent does to them.
 * A worker that hangs (blocked event loop) or dies is replaced: if one case was running it is marked
 * errored; if several were, they are re-run one at a time so only the culprit is blamed.
 */
export async function superviseWorkers(options: SuperviseOptions): Promise<void> {
  const all = options.job.files.map((_, i) => i);
  const workers = Math.max(1, Math.min(options.workers ?? 1, Math.floor(all.length / (options.minCasesPerWorker ?? MIN_CASES_PER_WORKER))));
  const perWorker = Math.max(1, Math.ceil(options.concurrency / workers));
  // Round-robin, so cases of one slow suite (neighbours in file order) are shared out too.
  const queue: Task[] = Array.from({ length: workers }, (_, w) => ({
    indices: all.filter((i) => i % workers === w),
    concurrency: perWorker,
    selectionSlot: w,
  }));

  const finished = new Set<number>();
  /** Indices each first-round task reported as selected; undefined until it has. */
  const selections: (number[] | undefined)[] = queue.map(() => undefined);
  const selectedSet = new Set<number>();
  let announce!: () => void;
  const announced = new Promise<void>((resolve) => (announce = resolve));
  let chain: Promise<void> = announced;
  // Reporter hooks are awaited in order, after onRunStart, even though messages arrive from several threads.
  const serially = (fn: () => void | Promise<void>): void => {
    chain = chain.then(fn);
  };
  const select = (slot: number, indices: number[]): void => {
    if (selections[slot]) return;
    selections[slot] = indices;
    for (const i of indices) selectedSet.add(i);
    if (selections.every(Boolean)) {
      const union = [...selectedSet].sort((a, b) => a - b);
      void Promise.resolve(options.onSelected(union)).then(announce, announce);
    }
  };
  const finish = (index: number, result: CaseResult, text: string): void => {
    if (finished.has(index)) return;
    finished.add(index);
    serially(() => options.onResult(index, result, text));
  };
  const fail = (index: number, error: ErrorInfo): void => {
    const result = failedCaseResult(options.job, index, error);
    finish(index, result, JSON.stringify(result));
  };

  const runTasks = async (): Promise<void> => {
    for (let task = queue.shift(); task && !options.signal?.aborted; task = queue.shift()) {
      const slot = task.selectionSlot ?? -1;
      const firstRound = slot >= 0;
      const selectionKnown = (): boolean => !firstRound || selections[slot] !== undefined;
      const indices = task.indices.filter((i) => !finished.has(i));
      if (indices.length === 0) continue;
      const end = await runWorker(options, { ...task, indices }, {
        selected: (list) => firstRound && select(slot, list),
        result: (index, text) => finish(index, JSON.parse(text) as CaseResult, text),
        agentFailed: (error) => {
          for (const index of (firstRound && selections[slot]) || indices) if (!finished.has(index)) fail(index, error);
        },
      });
      if (end.kind === 'done' || options.signal?.aborted) continue;
      if (!selectionKnown()) {
        // It died before it could say which cases it would run: nothing can be replayed with this agent.
        for (const index of indices) fail(index, end.error);
        select(slot, indices);
        continue;
      }
      const inFlight = end.inFlight.filter((i) => !finished.has(i));
      if (inFlight.length === 1 || (inFlight.length > 1 && task.concurrency === 1)) {
        for (const index of inFlight) fail(index, end.error);
      } else if (inFlight.length > 1) {
        queue.unshift({ indices: inFlight, concurrency: 1 });
      }
      const rest = indices.filter((i) => !finished.has(i) && !inFlight.includes(i) && (!firstRound || selectedSet.has(i)));
      if (rest.length > 0) queue.push({ indices: rest, concurrency: task.concurrency });
    }
  };
  await Promise.all(Array.from({ length: workers }, runTasks));
  // When a task had nothing to run, or the run was stopped first: the run still starts and ends for reporters.
  for (let slot = 0; slot < selections.length; slot++) if (!selections[slot]) select(slot, []);
  await chain;
}

interface WorkerEvents {
  selected(indices: number[]): void;
  result(index: number, text: string): void;
  agentFailed(error: ErrorInfo): void;
}

function runWorker(options: SuperviseOptions, task: Task, on: WorkerEvents): Promise<WorkerEnd> {
  const watch = new SharedArrayBuffer(4 * (task.concurrency + 1));
  const view = new Int32Array(watch);
  const job: WorkerJob = { ...options.job, indices: task.indices, concurrency: task.concurrency, watch };
  const worker = options.prestarted?.take() ?? startCaseWorker(options.workerUrl);
  sendJob(worker, job);
  const feeder = new CaseTextFeeder(options.job.files, task.indices, (items) => sendCaseTexts(worker, items));
  feeder.start();
  return new Promise<WorkerEnd>((resolve) => {
    let settled = false;
    let lastBeat = Atomics.load(view, 0);
    let lastChange = performance.now();
    const inFlight = (): number[] => {
      const out: number[] = [];
      for (let slot = 1; slot <= task.concurrency; slot++) {
        const value = Atomics.load(view, slot);
        if (value > 0) out.push(value - 1);
      }
      return out;
    };
    const finish = (end: WorkerEnd): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      options.signal?.removeEventListener('abort', stop);
      resolve(end);
    };
    const stop = (): void => {
      void worker.terminate();
      finish({ kind: 'done' });
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    const watchdog = setInterval(() => {
      const beat = Atomics.load(view, 0);
      const now = performance.now();
      if (beat !== lastBeat) {
        lastBeat = beat;
        lastChange = now;
        return;
      }
      if (now - lastChange < options.hangMs) return;
      const running = inFlight();
      void worker.terminate();
      finish({
        kind: 'failed',
        inFlight: running,
        error: {
          code: 'AGENT_HUNG',
          message: `the agent blocked the event loop for more than ${options.hangMs} ms (synchronous work that never yields); rehearse stopped it and went on with the other cases`,
        },
      });
    }, Math.min(250, Math.max(20, options.hangMs / 4)));
    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      switch (message.type) {
        case 'selected':
          on.selected(message.indices);
          break;
        case 'case-texts-taken':
          feeder.taken(message.count);
          break;
        case 'results':
          for (let i = 0; i < message.indices.length; i++) on.result(message.indices[i]!, message.texts[i]!);
          break;
        case 'agent-failed':
          on.agentFailed(message.error);
          break;
        case 'warning':
          options.onWarning(message.message);
          break;
        case 'done':
          finish({ kind: 'done' });
          void worker.terminate();
          break;
      }
    });
    worker.on('error', (error) => {
      finish({ kind: 'failed', inFlight: inFlight(), error: { code: 'AGENT_CRASHED', message: `the case worker crashed: ${error.message}`, ...(error.stack && { stack: error.stack }) } });
    });
    worker.on('exit', (code) => {
      finish({ kind: 'failed', inFlight: inFlight(), error: { code: 'AGENT_CRASHED', message: `the case worker exited with code ${code} before finishing` } });
    });
  });
}

/** Reads just enough of a case file (id, title, outcome) to report a case whose worker died under it. */
function failedCaseResult(job: SuperviseOptions['job'], index: number, error: ErrorInfo): CaseResult {
  const ref = job.files[index]!;
  let data: Case | undefined;
  try {
    const parsed = JSON.parse(readFileSync(ref.path, 'utf8')) as Case;
    if (typeof parsed?.id === 'string' && typeof parsed.title === 'string' && parsed.outcome && Array.isArray(parsed.timeline)) data = parsed;
  } catch {
    // the file name stands in for the id
  }
  return erroredCaseResult(identify(ref, data), { ...error, file: ref.display }, data);
}
