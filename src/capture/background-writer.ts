import { Worker } from 'node:worker_threads';
import { asError, runJobAsync, runJobsSync, type FileJob, type NumberedJob } from './file-jobs.js';
import { WRITER_WORKER_SOURCE } from './generated/writer-worker-source.js';
import { STATE, STATE_SLOTS, type WriterReply, type WriterWorkerData } from './writer-protocol.js';

/*
 * Why a worker thread: redacting a run costs tens of microseconds, and creating a file and renaming it costs
 * the kernel a few hundred, all inside the latency of whatever the agent does next if done on its thread.
 * The main thread only serializes the run as recorded and posts the text (a string copy); the worker
 * parses it, redacts it and makes the system calls. It
 * starts on the first write (~30 ms, a few MB), is `unref()`ed while idle so it never keeps a process
 * alive, and `ref()`ed while writes are pending, so a process that ends by running out of work still writes
 * every run it captured. The unredacted run never leaves the process: the worker is a thread of it.
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

interface Waiter {
  job: NumberedJob;
  resolve(text?: string): void;
  reject(error: Error): void;
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
  private readonly state = new Int32Array(new SharedArrayBuffer(STATE_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  /** Jobs posted or queued and not yet acknowledged, in `seq` order (a Map keeps insertion order). */
  private readonly waiting = new Map<number, Waiter>();
  private queue: NumberedJob[] = [];
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  /** Set by `flush()` until the writer is idle again: batches go without delay. */
  private urgent = false;
  private readonly flushes: { seq: number; resolve(): void }[] = [];
  /** Writes done on the main thread (no worker), for `flush()`. */
  private readonly mainThreadWrites = new Set<Promise<unknown>>();
  private seq = 0;
  private queuedChars = 0;

  constructor(
    private readonly maxQueuedChars = DEFAULT_MAX_QUEUED_CHARS,
    private readonly batchDelayMs = BATCH_DELAY_MS,
  ) {}

  /**
   * Runs `job`; resolves when it is on disk (in the OS's file cache), or with the JSON line of a `text` job;
   * rejects with the file system's error, or an error named `RehearseRedactionError` when the run could not
   * be redacted (it is then not written at all).
   */
  write(job: FileJob): Promise<string | undefined> {
    const numbered = job as NumberedJob;
    numbered.seq = ++this.seq;
    if (this.mainThreadOnly || !this.start()) return this.onMainThread(numbered);
    if (this.queuedChars + job.json.length > this.maxQueuedChars) {
      const mb = (this.queuedChars / 1024 / 1024).toFixed(1);
      return Promise.reject(
        new Error(`the capture writer is behind (${this.waiting.size} runs, ${mb} MB waiting for the disk), so this run was dropped; check that the disk is writable and not full`),
      );
    }
    this.queuedChars += job.json.length;
    return new Promise<string | undefined>((resolve, reject) => {
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

  private onMainThread(job: NumberedJob): Promise<string | undefined> {
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
      const workerData: WriterWorkerData = { state: this.state.buffer as SharedArrayBuffer, tag: this.tag, nice: WRITER_NICE };
      const worker = new Worker(WRITER_WORKER_SOURCE, { eval: true, workerData });
      worker.unref();
      worker.on('message', (reply: WriterReply) => this.acknowledge(reply));
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
    try {
      this.worker!.postMessage(jobs);
    } catch {
      // Something in a job cannot be cloned (redaction options holding a function, say): those runs are
      // redacted and written here instead, and the worker carries on with later batches.
      this.writeHere(jobs);
      return;
    }
    this.inFlight = true;
    this.worker!.ref();
  }

  private writeHere(jobs: NumberedJob[]): void {
    for (const job of jobs) {
      const waiter = this.waiting.get(job.seq);
      if (!waiter) continue;
      this.waiting.delete(job.seq);
      this.queuedChars -= job.json.length;
      this.onMainThread(job).then(waiter.resolve, (error: unknown) => waiter.reject(asError(error)));
    }
    // Every earlier batch was acknowledged before this one was posted, so these were the last jobs out.
    this.settleFlushes(jobs[jobs.length - 1]!.seq);
    if (this.waiting.size === 0) {
      this.urgent = false;
      this.worker?.unref();
    }
  }

  private acknowledge({ done, errors, texts }: WriterReply): void {
    const failed = errors.length > 0 ? new Map(errors.map((e) => [e.seq, e])) : undefined;
    const made = texts.length > 0 ? new Map(texts.map((t) => [t.seq, t.text])) : undefined;
    for (const [seq, waiter] of this.waiting) {
      if (seq > done) break;
      this.waiting.delete(seq);
      this.queuedChars -= waiter.job.json.length;
      const error = failed?.get(seq);
      if (error) waiter.reject(Object.assign(new Error(error.message), { name: error.name }, error.code === undefined ? {} : { code: error.code }));
      else waiter.resolve(made?.get(seq));
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
    // Jobs written on the main thread (see writeHere) count as done only once those writes are.
    if (this.mainThreadWrites.size > 0) {
      void Promise.allSettled([...this.mainThreadWrites]).then(() => this.settleFlushes(done));
      return;
    }
    while (this.flushes.length > 0 && this.flushes[0]!.seq <= done) this.flushes.shift()!.resolve();
  }

  /** The worker failed or exited: what it finished is done, the rest is written on the main thread. */
  private abandonWorker(): void {
    if (this.mainThreadOnly) return;
    this.mainThreadOnly = true;
    this.worker = undefined;
    const done = Atomics.load(this.state, STATE.done);
    for (const [seq, waiter] of this.waiting) {
      // Texts the worker made but never sent back are made again here; its writes are on disk.
      if (seq <= done && waiter.job.kind !== 'text') waiter.resolve();
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
   * between two writes, then write what it had not done, synchronously, here. (`text` jobs are made too, but
   * nothing can receive them any more: a stream or function sink gets no run after the process exits.)
   */
  private writeRestOnExit(): void {
    if (this.mainThreadOnly || this.waiting.size === 0) return;
    Atomics.store(this.state, STATE.stop, 1);
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (Atomics.load(this.state, STATE.busy) === 1) {
      if (Date.now() >= deadline) return; // a write hangs: the runs after it are lost (documented)
      Atomics.wait(this.state, STATE.busy, 1, 50);
    }
    const done = Atomics.load(this.state, STATE.done);
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
