import { Worker } from 'node:worker_threads';
import { asError, runJobAsync, runJobsSync, WRITER_WORKER_SOURCE, type FileJob, type NumberedJob } from './file-jobs.js';

/*
 * Why a worker thread: creating a file and renaming it costs the kernel a few hundred microseconds, and
 * the promise-based fs calls that start them cost the main thread tens more per run, all inside the latency
 * of whatever the agent does next. The main thread now only stringifies the run and posts the text (a
 * string copy, microseconds); the worker does the system calls. It starts on the first write (~30 ms,
 * a few MB), is `unref()`ed while idle so it never keeps a process alive, and `ref()`ed while writes are
 * pending, so a process that ends by running out of work still writes every run it captured.
 */

/** How long the exit handler waits for a write the worker is in the middle of (a hung network file system). */
const EXIT_WAIT_MS = 5000;
/**
 * The writer thread's nice value (Linux): the lowest priority, so on a busy machine the writes wait for the
 * agent rather than the agent for the writes. If they fall behind for good, the queue cap below bounds memory.
 */
const WRITER_NICE = 19;
/** Text waiting for the worker beyond which new runs are refused (and reported), so a stalled disk cannot exhaust memory. */
export const DEFAULT_MAX_QUEUED_CHARS = 64 * 1024 * 1024;
const STOP = 0;
const BUSY = 1;
const DONE = 2;

interface Waiter {
  job: NumberedJob;
  resolve(): void;
  reject(error: Error): void;
}

interface WorkerReply {
  done: number;
  errors: { seq: number; message: string; code?: string }[];
}

/**
 * How long a job may wait for others before the batch goes to the worker. Waking a sleeping thread is dear
 * (measured on a 2-vCPU VM: ~250 us of the worker's CPU per message, whatever the message holds), so at a
 * run every millisecond, one message per 10 ms carries ten runs for the price of one. It is also how much a
 * crash can lose beyond what was being written. `flush()` sends at once.
 */
const BATCH_DELAY_MS = 10;

/**
 * Writes capture files off the main thread, one job at a time in order. Jobs go to the worker in batches:
 * after `BATCH_DELAY_MS`, or at once while a flush is waiting; while a batch is with the worker, new jobs
 * wait and go together in the next message.
 */
export class BackgroundWriter {
  /** Makes temporary file names unique across processes and across copies of this module in one process. */
  // `node:crypto` on first use: an agent that imports rehearse should not pay for it at start-up (see recorder.ts).
  readonly tag = `${process.pid}-${(process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).randomBytes(3).toString('hex')}`;
  private worker: Worker | undefined;
  /** Set when no worker could start or it died: jobs then run on the main thread. */
  private mainThreadOnly = false;
  private readonly state = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  /** Jobs posted or queued and not yet acknowledged, in `seq` order (a Map keeps insertion order). */
  private readonly waiting = new Map<number, Waiter>();
  private queue: NumberedJob[] = [];
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  /** Set by `flush()` until the writer is idle again: batches go without delay. */
  private urgent = false;
  private readonly flushes: { seq: number; resolve(): void }[] = [];
  /** Writes done on the main thread (no worker), for `flush()`. */
  private readonly mainThreadWrites = new Set<Promise<void>>();
  private seq = 0;
  private queuedChars = 0;

  constructor(
    private readonly maxQueuedChars = DEFAULT_MAX_QUEUED_CHARS,
    private readonly batchDelayMs = BATCH_DELAY_MS,
  ) {}

  /** Runs `job`; resolves when it is on disk (in the OS's file cache), rejects with the file system's error. */
  write(job: FileJob): Promise<void> {
    const numbered = job as NumberedJob;
    numbered.seq = ++this.seq;
    if (this.mainThreadOnly || !this.start()) return this.onMainThread(numbered);
    if (this.queuedChars + job.text.length > this.maxQueuedChars) {
      const mb = (this.queuedChars / 1024 / 1024).toFixed(1);
      return Promise.reject(
        new Error(`the capture writer is behind (${this.waiting.size} runs, ${mb} MB waiting for the disk), so this run was dropped; check that the disk is writable and not full`),
      );
    }
    this.queuedChars += job.text.length;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(numbered.seq, { job: numbered, resolve, reject });
      this.queue.push(numbered);
      // The timer is not unref()ed: like the worker while it has jobs, it keeps the process alive until they are written.
      if (this.urgent) this.postQueued();
      else if (!this.inFlight) this.timer ??= setTimeout(() => this.postQueued(), this.batchDelayMs);
    });
  }

  /** Sends what is queued now and resolves when every job written so far is done (failed ones included). */
  flush(): Promise<void> {
    if (this.mainThreadWrites.size > 0) return Promise.allSettled([...this.mainThreadWrites]).then(() => this.flush());
    if (this.waiting.size === 0) return Promise.resolve();
    this.urgent = true;
    this.postQueued();
    return new Promise((resolve) => this.flushes.push({ seq: this.seq, resolve }));
  }

  private onMainThread(job: NumberedJob): Promise<void> {
    const write = runJobAsync(job, this.tag);
    this.mainThreadWrites.add(write);
    const forget = () => void this.mainThreadWrites.delete(write);
    write.then(forget, forget);
    return write;
  }

  private postQueued(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.queue.length === 0 || !this.worker) return;
    const jobs = this.queue;
    this.queue = [];
    this.post(jobs);
  }

  private start(): boolean {
    if (this.worker) return true;
    try {
      const worker = new Worker(WRITER_WORKER_SOURCE, { eval: true, workerData: { state: this.state.buffer, tag: this.tag, nice: WRITER_NICE } });
      worker.unref();
      worker.on('message', (reply: WorkerReply) => this.acknowledge(reply));
      worker.on('error', () => this.abandonWorker());
      worker.on('exit', () => this.abandonWorker());
      this.worker = worker;
      process.once('exit', () => this.writeRestOnExit());
      return true;
    } catch {
      this.mainThreadOnly = true;
      return false;
    }
  }

  private post(jobs: NumberedJob[]): void {
    this.inFlight = true;
    this.worker!.ref();
    this.worker!.postMessage(jobs);
  }

  private acknowledge({ done, errors }: WorkerReply): void {
    const failed = errors.length > 0 ? new Map(errors.map((e) => [e.seq, e])) : undefined;
    for (const [seq, waiter] of this.waiting) {
      if (seq > done) break;
      this.waiting.delete(seq);
      this.queuedChars -= waiter.job.text.length;
      const error = failed?.get(seq);
      if (error) waiter.reject(Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code }));
      else waiter.resolve();
    }
    this.inFlight = false;
    this.settleFlushes(done);
    // Jobs that queued up while this batch was written wait for the next batch like any other: posting them
    // at once would settle into one message per job when jobs come steadily.
    if (this.queue.length > 0) {
      if (this.urgent) this.postQueued();
      else this.timer ??= setTimeout(() => this.postQueued(), this.batchDelayMs);
    } else if (this.waiting.size === 0) {
      this.urgent = false;
      this.worker?.unref();
    }
  }

  private settleFlushes(done: number): void {
    while (this.flushes.length > 0 && this.flushes[0]!.seq <= done) this.flushes.shift()!.resolve();
  }

  /** The worker failed or exited: what it finished is done, the rest is written on the main thread. */
  private abandonWorker(): void {
    if (this.mainThreadOnly) return;
    this.mainThreadOnly = true;
    this.worker = undefined;
    const done = Atomics.load(this.state, DONE);
    for (const [seq, waiter] of this.waiting) {
      if (seq <= done) waiter.resolve();
      else this.onMainThread(waiter.job).then(waiter.resolve, (error: unknown) => waiter.reject(asError(error)));
    }
    this.waiting.clear();
    this.queuedChars = 0;
    this.queue = [];
    this.inFlight = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const flushes = this.flushes.splice(0);
    void Promise.allSettled([...this.mainThreadWrites]).then(() => flushes.forEach((f) => f.resolve()));
  }

  /**
   * `process.exit()` (or an uncaught exception) ends the process without waiting for the worker: stop it
   * between two writes, then write what it had not done, synchronously, here.
   */
  private writeRestOnExit(): void {
    if (this.mainThreadOnly || this.waiting.size === 0) return;
    Atomics.store(this.state, STOP, 1);
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (Atomics.load(this.state, BUSY) === 1) {
      if (Date.now() >= deadline) return; // a write hangs: the runs after it are lost (documented)
      Atomics.wait(this.state, BUSY, 1, 50);
    }
    const done = Atomics.load(this.state, DONE);
    const rest: NumberedJob[] = [];
    for (const [seq, waiter] of this.waiting) if (seq > done) rest.push(waiter.job);
    runJobsSync(rest, this.tag);
  }
}

let shared: BackgroundWriter | undefined;

/** The process's background writer, shared by every file sink (one worker thread however many sinks). */
export function backgroundWriter(): BackgroundWriter {
  return (shared ??= new BackgroundWriter());
}
