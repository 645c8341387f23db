import { appendFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunArtifact } from '../model/run-artifact.js';
import type { RedactOptions } from './redact.js';
import { redactRun } from './redact-run.js';

/**
 * The file writes the capture sinks make, as plain data: a job can be posted to the background writer's
 * worker thread, run there, or run on the main thread when there is no worker (or at process exit).
 *
 * - `file`: writes the run to `<dir>/<name>` atomically: a temporary file in the same directory, then a
 *   rename, so a reader sees the whole file or none of it.
 * - `append`: appends the run as one JSON line to `path` in one write.
 *
 * Both create the directory when it is missing. A job carries the run as recorded and, unless the run is
 * redacted already, the redaction to apply: redacting and serializing are most of what capturing a run
 * costs, and done where the job runs they stay off the agent's thread.
 */
export type FileJob = ({ kind: 'file'; dir: string; name: string } | { kind: 'append'; path: string }) & {
  run: RunArtifact;
  /** Redact the run with these options before it is serialized; absent when it needs no redaction. */
  redact?: RedactOptions;
};

/** A job with its place in the writer's order (also what makes its temporary file name unique). */
export type NumberedJob = FileJob & { seq: number };

/** Marks a job that failed because its run could not be redacted: nothing of it was written. */
export const REDACTION_ERROR_NAME = 'RehearseRedactionError';

/**
 * The text a job writes: its run, redacted when the job asks, as one line of JSON. A redaction that throws
 * becomes an error named {@link REDACTION_ERROR_NAME}, so the recorder reports it as a redaction problem and
 * the run is never written unredacted.
 */
export function jobText(job: FileJob): string {
  let run = job.run;
  if (job.redact) {
    try {
      run = redactRun(run, job.redact);
    } catch (error) {
      const failure = new Error(asError(error).message);
      failure.name = REDACTION_ERROR_NAME;
      throw failure;
    }
  }
  return `${JSON.stringify(run)}\n`;
}

/** Called around each write by the worker thread, for its stop protocol with the main thread. */
export interface JobHooks {
  /** Before a write: `false` stops the batch there (the process is exiting and the main thread takes over). */
  beforeWrite(): boolean;
  /** After a write (or a failed one): `seq` is the last job it covered. */
  afterWrite(seq: number): void;
}

/** What a batch did: the jobs that failed, and how many characters were written (sizes the writer's queue cap). */
export interface BatchOutcome {
  errors: { seq: number; error: Error }[];
  chars: number;
  /** False when `beforeWrite` stopped the batch. */
  finished: boolean;
}

/**
 * Runs the jobs of one batch in order, synchronously, merging consecutive appends to the same file into one
 * write. `tag` makes temporary names unique across processes and writers. The worker thread runs this for
 * every batch (with `hooks`); the main thread runs it at process exit for the jobs the worker had not done.
 */
export function runJobsSync(jobs: readonly NumberedJob[], tag: string, hooks?: JobHooks): BatchOutcome {
  const errors: { seq: number; error: Error }[] = [];
  let chars = 0;
  for (let i = 0; i < jobs.length; ) {
    if (hooks && !hooks.beforeWrite()) return { errors, chars, finished: false };
    const job = jobs[i]!;
    let last = i;
    try {
      if (job.kind === 'append') {
        // Lines of runs that cannot be redacted are left out (and reported); the others still go in one write.
        let text = '';
        for (let k = i; k < jobs.length; k++) {
          const next = jobs[k]!;
          if (k > i && (next.kind !== 'append' || next.path !== job.path)) break;
          last = k;
          try {
            text += jobText(next);
          } catch (error) {
            errors.push({ seq: next.seq, error: asError(error) });
          }
        }
        if (text !== '') appendSync(job.path, text);
        chars += text.length;
      } else {
        const text = jobText(job);
        writeAtomicSync(job.dir, job.name, text, `${tag}-${job.seq}`);
        chars += text.length;
      }
    } catch (error) {
      // The write failed: every job it carried failed with it (those already failing redaction are listed).
      const listed = new Set(errors.map((e) => e.seq));
      for (let k = i; k <= last; k++) if (!listed.has(jobs[k]!.seq)) errors.push({ seq: jobs[k]!.seq, error: asError(error) });
    }
    hooks?.afterWrite(jobs[last]!.seq);
    i = last + 1;
  }
  return { errors, chars, finished: true };
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
  let text: string;
  try {
    text = jobText(job);
  } catch (error) {
    return Promise.reject(asError(error));
  }
  if (job.kind === 'file') return writeAtomicAsync(job.dir, job.name, text, `${tag}-${job.seq}`);
  const previous = appendChains.get(job.path) ?? Promise.resolve();
  const next = previous.then(() => appendAsync(job.path, text));
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
