import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import type { Case } from '../model/case.js';
import type { CaseResult, ErrorInfo } from '../model/result.js';
import type { WorkerJob, WorkerMessage } from './protocol.js';
import { identify } from './case-identity.js';
import { erroredCaseResult } from './run-case.js';

export interface SuperviseOptions {
  job: Omit<WorkerJob, 'indices' | 'watch' | 'concurrency'>;
  concurrency: number;
  workerUrl: URL;
  /** A worker whose event loop is blocked this long is stopped and its running cases marked hung. */
  hangMs: number;
  onSelected(indices: number[]): void | Promise<void>;
  /** A finished case, with its JSON text (what the results file holds for it). */
  onResult(index: number, result: CaseResult, text: string): void | Promise<void>;
  onWarning(message: string): void;
}

interface Task {
  indices: number[];
  concurrency: number;
}

type WorkerEnd = { kind: 'done' } | { kind: 'failed'; inFlight: number[]; error: ErrorInfo };

/**
 * Runs the selected cases in a worker thread and keeps the run alive through anything an agent does to it.
 * A worker that hangs (blocked event loop) or dies is replaced: if one case was running it is marked
 * errored; if several were, they are re-run one at a time so only the culprit is blamed.
 */
export async function superviseWorkers(options: SuperviseOptions): Promise<void> {
  const finished = new Set<number>();
  let selected: number[] | undefined;
  const queue: Task[] = [{ indices: options.job.files.map((_, i) => i), concurrency: options.concurrency }];
  let chain = Promise.resolve();
  // Reporter hooks are awaited in order even though messages arrive while the worker keeps running.
  const serially = (fn: () => void | Promise<void>): void => {
    chain = chain.then(fn);
  };

  while (queue.length > 0) {
    const task = queue.shift()!;
    const indices = selected ? task.indices.filter((i) => !finished.has(i)) : task.indices;
    if (indices.length === 0) continue;
    const end = await runWorker(options, { ...task, indices }, {
      selected(list) {
        if (selected) return;
        selected = list;
        serially(() => options.onSelected(list));
      },
      result(index, text) {
        if (finished.has(index)) return;
        finished.add(index);
        const result = JSON.parse(text) as CaseResult;
        serially(() => options.onResult(index, result, text));
      },
      agentFailed(error) {
        for (const index of selected ?? indices) {
          if (finished.has(index)) continue;
          finished.add(index);
          const result = failedCaseResult(options.job, index, error);
          serially(() => options.onResult(index, result, JSON.stringify(result)));
        }
      },
    });
    if (end.kind === 'done') continue;
    const selection = selected ?? indices;
    const unfinished = selection.filter((i) => !finished.has(i) && indices.includes(i));
    const inFlight = end.inFlight.filter((i) => !finished.has(i));
    if (inFlight.length === 1 || (inFlight.length > 1 && task.concurrency === 1)) {
      for (const index of inFlight) {
        finished.add(index);
        const result = failedCaseResult(options.job, index, end.error);
        serially(() => options.onResult(index, result, JSON.stringify(result)));
      }
    } else if (inFlight.length > 1) {
      queue.unshift({ indices: inFlight, concurrency: 1 });
    } else if (!selected) {
      // It died before it could say which cases it would run: nothing can be replayed with this agent.
      for (const index of indices) {
        finished.add(index);
        const result = failedCaseResult(options.job, index, end.error);
        serially(() => options.onResult(index, result, JSON.stringify(result)));
      }
      selected = indices;
      serially(() => options.onSelected(indices));
    }
    const rest = unfinished.filter((i) => !finished.has(i) && !inFlight.includes(i));
    if (rest.length > 0) queue.push({ indices: rest, concurrency: task.concurrency });
  }
  if (!selected) serially(() => options.onSelected([]));
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
  const worker = new Worker(options.workerUrl, { workerData: job, stdout: false, stderr: false });
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
      resolve(end);
    };
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
