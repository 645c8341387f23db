import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { runJobsSync, type NumberedJob } from './file-jobs.js';
import { STATE, type WriterReply, type WriterWorkerData } from './writer-protocol.js';

/*
 * The capture writer thread. scripts/build.mjs bundles this file into a source string
 * (src/capture/generated/writer-worker-source.js) that background-writer.ts starts with `{ eval: true }`:
 * a string rather than a file beside the module, so capture keeps working when an application bundles
 * rehearse. It receives batches of jobs (runs as JSON), redacts each run that asks for it, writes it (or
 * sends its line back, for a stream or function sink), and replies once per batch.
 */

const { state: buffer, tag, nice } = workerData as WriterWorkerData;
const state = new Int32Array(buffer);
const port = parentPort!;

// Writing runs is background work: on Linux, where a thread's nice value is its own, give this thread a
// lower priority than the agent's, so on a busy machine the agent's thread wins the CPU and the writes wait.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), nice);
} catch {
  // not Linux, or not allowed: the thread runs at the process's priority
}

let stopped = false;
const hooks = {
  beforeWrite(): boolean {
    // Busy first, then the stop check: the parent sets stop, then waits while busy, so either it sees this
    // write in progress or this sees the stop (sequentially consistent atomics), never neither.
    Atomics.store(state, STATE.busy, 1);
    if (Atomics.load(state, STATE.stop) === 1) {
      stopped = true;
      release();
      return false;
    }
    return true;
  },
  afterWrite(seq: number): void {
    Atomics.store(state, STATE.done, seq);
    release();
  },
};

function release(): void {
  Atomics.store(state, STATE.busy, 0);
  Atomics.notify(state, STATE.busy);
}

port.on('message', (jobs: NumberedJob[]) => {
  if (stopped) return;
  const { errors, texts, finished } = runJobsSync(jobs, tag, hooks);
  if (!finished) return; // the process is exiting: the main thread writes the rest
  const reply: WriterReply = {
    done: jobs[jobs.length - 1]!.seq,
    texts,
    errors: errors.map(({ seq, error }) => ({ seq, name: error.name, message: error.message, code: (error as NodeJS.ErrnoException).code })),
  };
  port.postMessage(reply);
});
