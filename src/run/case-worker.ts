import { Worker } from 'node:worker_threads';
import type { CaseText, MainMessage, WorkerJob } from './protocol.js';

/**
 * Starts a case worker thread. It boots (Node's worker bootstrap, the worker bundle, the network guard) and then
 * waits for its job as the first message, so it can be started before the job is known.
 */
export function startCaseWorker(url: URL): Worker {
  return new Worker(url, { stdout: false, stderr: false });
}

/** Hands a worker its job; the job's SharedArrayBuffer is shared with the thread, not copied. */
export function sendJob(worker: Worker, job: WorkerJob): void {
  worker.postMessage({ type: 'job', job } satisfies MainMessage);
}

/** Sends a worker case-file texts read ahead for it (see case-text-feeder.ts). */
export function sendCaseTexts(worker: Worker, items: CaseText[]): void {
  worker.postMessage({ type: 'case-texts', items } satisfies MainMessage);
}

/**
 * A case worker started as the CLI begins, before the config is read and the cases are found: a worker takes
 * ~100-150 ms to boot, and that time now overlaps the main thread's own start instead of following it.
 * Until the run takes it, it is unref'd (a run that ends early, on a config error, does not wait for it).
 */
export class PrestartedWorker {
  #worker: Worker | undefined;
  #dead = false;

  constructor(url: URL) {
    const worker = startCaseWorker(url);
    worker.unref();
    // Nobody listens yet: without these an early failure would be an unhandled 'error' event. A worker that
    // died before it was taken is simply not used; the run starts a fresh one and reports what happens then.
    const markDead = (): void => {
      this.#dead = true;
    };
    worker.once('error', markDead);
    worker.once('exit', markDead);
    this.#worker = worker;
  }

  /** False once the worker has died while waiting (or was taken or disposed): `take()` then gives nothing. */
  get usable(): boolean {
    return this.#worker !== undefined && !this.#dead;
  }

  /** The worker, once; `undefined` when it was already taken or died while waiting. */
  take(): Worker | undefined {
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker) return undefined;
    if (this.#dead) {
      void worker.terminate();
      return undefined;
    }
    worker.ref();
    return worker;
  }

  /** Stops the worker if the run never took it. */
  dispose(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) void worker.terminate();
  }
}
