import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The file writes the capture sinks make, as plain data: a job can be posted to the background writer's
 * worker thread, run there, or run on the main thread when there is no worker (or at process exit).
 *
 * - `file`: writes `text` to `<dir>/<name>` atomically: a temporary file in the same directory, then a
 *   rename, so a reader sees the whole file or none of it.
 * - `append`: appends `text` (whole JSON lines) to `path` in one write.
 *
 * Both create the directory when it is missing.
 */
export type FileJob = { kind: 'file'; dir: string; name: string; text: string } | { kind: 'append'; path: string; text: string };

/** A job with its place in the writer's order (also what makes its temporary file name unique). */
export type NumberedJob = FileJob & { seq: number };

/**
 * Runs the jobs of one batch in order, synchronously, merging consecutive appends to the same file into one
 * write; returns the jobs that failed. `tag` makes temporary names unique across processes and writers. Used at
 * process exit for the jobs the worker had not done.
 *
 * The worker thread runs the same algorithm from `WRITER_WORKER_SOURCE`; keep the two in step (the tests
 * write through both and compare the files).
 */
export function runJobsSync(jobs: readonly NumberedJob[], tag: string): { seq: number; error: Error }[] {
  const errors: { seq: number; error: Error }[] = [];
  for (let i = 0; i < jobs.length; ) {
    const job = jobs[i]!;
    let last = i;
    try {
      if (job.kind === 'append') {
        let text = job.text;
        for (let next = jobs[last + 1]; next?.kind === 'append' && next.path === job.path; next = jobs[last + 1]) {
          text += next.text;
          last++;
        }
        appendSync(job.path, text);
      } else {
        writeAtomicSync(job.dir, job.name, job.text, `${tag}-${job.seq}`);
      }
    } catch (error) {
      for (let k = i; k <= last; k++) errors.push({ seq: jobs[k]!.seq, error: asError(error) });
    }
    i = last + 1;
  }
  return errors;
}

function appendSync(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, text);
  }
}

function writeAtomicSync(dir: string, name: string, text: string, unique: string): void {
  const file = join(dir, name);
  const temp = `${file}.${unique}.tmp`;
  try {
    try {
      writeFileSync(temp, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dir, { recursive: true });
      writeFileSync(temp, text);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Appends to one path are chained, so lines reach the file in the order they were written. */
const appendChains = new Map<string, Promise<unknown>>();

/**
 * Runs one job on the main thread with asynchronous file calls: the path for `{ worker: false }` and for a
 * process where a worker thread cannot start.
 */
export function runJobAsync(job: NumberedJob, tag: string): Promise<void> {
  if (job.kind === 'file') return writeAtomicAsync(job.dir, job.name, job.text, `${tag}-${job.seq}`);
  const previous = appendChains.get(job.path) ?? Promise.resolve();
  const next = previous.then(() => appendAsync(job.path, job.text));
  const settled = next.catch(() => {});
  appendChains.set(job.path, settled);
  // Forget a file's chain once it is idle, so a long-lived process does not keep one entry per file forever.
  void settled.then(() => {
    if (appendChains.get(job.path) === settled) appendChains.delete(job.path);
  });
  return next;
}

async function appendAsync(path: string, text: string): Promise<void> {
  try {
    await appendFile(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, text);
  }
}

async function writeAtomicAsync(dir: string, name: string, text: string, unique: string): Promise<void> {
  const file = join(dir, name);
  const temp = `${file}.${unique}.tmp`;
  try {
    try {
      await writeFile(temp, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir, { recursive: true });
      await writeFile(temp, text);
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The worker thread's code, evaluated as CommonJS (`new Worker(source, { eval: true })`): a source string
 * rather than a file next to this module, so capture keeps working when an application bundles rehearse.
 *
 * Protocol: the parent posts arrays of numbered jobs; the worker runs them in order (merging consecutive
 * appends to one file, like `runJobsSync`) and posts `{ done, errors }` per array. Shared memory
 * (`workerData.state`, Int32 [stop, busy, done]) lets the parent's `exit` handler stop the worker between
 * writes and learn the last finished job, so it can write the rest itself without writing any job twice.
 */
export const WRITER_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const state = new Int32Array(workerData.state);
const STOP = 0, BUSY = 1, DONE = 2;
const tag = workerData.tag;

// Writing runs is background work: on Linux, where a thread's nice value is its own, give this thread a
// lower priority than the agent's, so on a busy machine the agent's thread wins the CPU and the writes wait.
try { require('node:os').setPriority(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()), workerData.nice); } catch {}

function appendSync(file, text) {
  try { fs.appendFileSync(file, text); }
  catch (error) {
    if (!error || error.code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, text);
  }
}

function writeAtomicSync(dir, name, text, unique) {
  const file = path.join(dir, name);
  const temp = file + '.' + unique + '.tmp';
  try {
    try { fs.writeFileSync(temp, text); }
    catch (error) {
      if (!error || error.code !== 'ENOENT') throw error;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(temp, text);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

let stopped = false;
parentPort.on('message', (jobs) => {
  if (stopped) return;
  const errors = [];
  for (let i = 0; i < jobs.length; ) {
    // Busy first, then the stop check: the parent sets stop, then waits while busy, so either it sees this
    // write in progress or this sees the stop (sequentially consistent atomics), never neither.
    Atomics.store(state, BUSY, 1);
    if (Atomics.load(state, STOP) === 1) {
      stopped = true;
      Atomics.store(state, BUSY, 0);
      Atomics.notify(state, BUSY);
      return;
    }
    const job = jobs[i];
    let last = i;
    try {
      if (job.kind === 'append') {
        let text = job.text;
        while (last + 1 < jobs.length && jobs[last + 1].kind === 'append' && jobs[last + 1].path === job.path) text += jobs[++last].text;
        appendSync(job.path, text);
      } else {
        writeAtomicSync(job.dir, job.name, job.text, tag + '-' + job.seq);
      }
    } catch (error) {
      const message = error && error.message ? error.message : String(error);
      const code = error && error.code;
      for (let k = i; k <= last; k++) errors.push({ seq: jobs[k].seq, message, code });
    }
    Atomics.store(state, DONE, jobs[last].seq);
    Atomics.store(state, BUSY, 0);
    Atomics.notify(state, BUSY);
    i = last + 1;
  }
  parentPort.postMessage({ done: jobs[jobs.length - 1].seq, errors });
});
`;

/** Something that runs file jobs: the background writer, or the main thread itself. */
export interface JobWriter {
  write(job: FileJob): Promise<void>;
  /** Resolves when every job written so far is done (failed ones included: their `write` promise says so). */
  flush(): Promise<void>;
}

let mainThreadSeq = 0;
const mainThreadTag = `${process.pid}-main-${Math.random().toString(16).slice(2, 8)}`;
const mainThreadPending = new Set<Promise<void>>();

/** Runs jobs on the main thread with asynchronous file calls (`{ worker: false }`). */
export const mainThreadWriter: JobWriter = {
  write(job) {
    const numbered = job as NumberedJob;
    numbered.seq = ++mainThreadSeq;
    const write = runJobAsync(numbered, mainThreadTag);
    mainThreadPending.add(write);
    const forget = () => void mainThreadPending.delete(write);
    write.then(forget, forget);
    return write;
  },
  async flush() {
    await Promise.allSettled([...mainThreadPending]);
  },
};
