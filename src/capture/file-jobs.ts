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
 * - `file`: writes the run to `<dir>/<name>` atomically: a temporary file in the same
 *   directory, then a rename, so a reader sees the whole file or none of it.
 * - `append`: appends the run as one JSON line to `path` in one write.
 * - `text`: writes nothing; the run's JSON line comes back to the caller (for a stream or function that
 *   ships runs elsewhere).
 *
 * Both writes create the directory when it is missing. A job carries the run as JSON and, unless the run is
 * redacted already, the redaction to apply: redaction is most of what capturing a run costs, and done where
 * the job runs it stays off the agent's thread. JSON, because a string crosses to a thread for the price of
 * a copy, where a structured clone of the same run costs the agent's thread two to three times what
 * `JSON.stringify` does.
 */
export type FileJob = ({ kind: 'file'; dir: string; name: string } | { kind: 'append'; path: string } | { kind: 'text' }) & {
  /** The run as JSON: as recorded when `redact` is given, else as it is to be written. */
  json: string;
  /** Redact the run with these options before it is written; absent when it needs no redaction. */
  redact?: RedactOptions;
};

/** A job with its place in the writer's order (also what makes its temporary file name unique). */
export type NumberedJob = FileJob & { seq: number };

/** `2024-06-11T10:30:00.123Z-<runId>.run.json`, with `:` made safe for every file system. */
export function runFileName(run: Pick<RunArtifact, 'startedAt' | 'runId'>): string {
  const safeId = run.runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${run.startedAt.replace(/:/g, '-')}-${safeId}.run.json`;
}

/** Marks a job that failed because its run could not be redacted: nothing of it was written. */
export const REDACTION_ERROR_NAME = 'RehearseRedactionError';

/**
 * The text a job writes: its run, redacted when the job asks, as one line of JSON. A redaction that throws
 * becomes an error named {@link REDACTION_ERROR_NAME}, so the recorder reports it as a redaction problem and
 * the run is never written unredacted.
 */
export function jobText(job: FileJob): string {
  if (!job.redact) return `${job.json}\n`;
  let redacted: RunArtifact;
  try {
    redacted = redactRun(JSON.parse(job.json) as RunArtifact, job.redact);
  } catch (error) {
    const failure = new Error(asError(error).message);
    failure.name = REDACTION_ERROR_NAME;
    throw failure;
  }
  return `${JSON.stringify(redacted)}\n`;
}

/** Called around each write by the worker thread, for its stop protocol with the main thread. */
export interface JobHooks {
  /** Before a write: `false` stops the batch there (the process is exiting and the main thread takes over). */
  beforeWrite(): boolean;
  /** After a write (or a failed one): `seq` is the last job it covered. */
  afterWrite(seq: number): void;
}

/** What a batch did: the jobs that failed, and the lines of `text` jobs. */
export interface BatchOutcome {
  errors: { seq: number; error: Error }[];
  texts: { seq: number; text: string }[];
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
  const texts: { seq: number; text: string }[] = [];
  for (let i = 0; i < jobs.length; ) {
    if (hooks && !hooks.beforeWrite()) return { errors, texts, finished: false };
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
      } else if (job.kind === 'file') {
        const text = jobText(job);
        writeAtomicSync(job.dir, job.name, text, `${tag}-${job.seq}`);
      } else {
        const text = jobText(job);
        texts.push({ seq: job.seq, text });
      }
    } catch (error) {
      // The write failed: every job it carried failed with it (those already failing redaction are listed).
      const listed = new Set(errors.map((e) => e.seq));
      for (let k = i; k <= last; k++) if (!listed.has(jobs[k]!.seq)) errors.push({ seq: jobs[k]!.seq, error: asError(error) });
    }
    hooks?.afterWrite(jobs[last]!.seq);
    i = last + 1;
  }
  return { errors, texts, finished: true };
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

/*
 * Temporary files are created exclusively (O_EXCL), so a write never goes through a file or symlink
 * planted at the temporary name. The name is unique to this process, writer and job: one already there
 * can only be what a writer thread that died mid-write left, and it is replaced.
 */
const NEW_FILE = { flag: 'wx' } as const;

function createTempSync(dir: string, temp: string, text: string): void {
  try {
    writeFileSync(temp, text, NEW_FILE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') mkdirSync(dir, { recursive: true });
    else if (code === 'EEXIST') rmSync(temp, { force: true });
    else throw error;
    writeFileSync(temp, text, NEW_FILE);
  }
}

async function createTemp(dir: string, temp: string, text: string): Promise<void> {
  try {
    await writeFile(temp, text, NEW_FILE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await mkdir(dir, { recursive: true });
    else if (code === 'EEXIST') await rm(temp, { force: true });
    else throw error;
    await writeFile(temp, text, NEW_FILE);
  }
}

function writeAtomicSync(dir: string, name: string, text: string, unique: string): void {
  const file = join(dir, name);
  const temp = `${file}.${unique}.tmp`;
  try {
    createTempSync(dir, temp, text);
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
 * process where a worker thread cannot start. Resolves with the text for a `text` job.
 */
export function runJobAsync(job: NumberedJob, tag: string): Promise<string | undefined> {
  let text: string;
  try {
    text = jobText(job);
  } catch (error) {
    return Promise.reject(asError(error));
  }
  if (job.kind === 'text') return Promise.resolve(text);
  if (job.kind === 'file') return writeAtomicAsync(job.dir, job.name, text, `${tag}-${job.seq}`).then(() => undefined);
  const previous = appendChains.get(job.path) ?? Promise.resolve();
  const path = job.path;
  const next = previous.then(() => appendAsync(path, text)).then(() => undefined);
  const settled = next.catch(() => {});
  appendChains.set(path, settled);
  // Forget a file's chain once it is idle, so a long-lived process does not keep one entry per file forever.
  void settled.then(() => {
    if (appendChains.get(path) === settled) appendChains.delete(path);
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
    await createTemp(dir, temp, text);
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
  /** Runs `job`; resolves when it is done (with the JSON line, for a `text` job). */
  write(job: FileJob): Promise<string | undefined>;
  /** Resolves when every job written so far is done (failed ones included: their `write` promise says so). */
  flush(): Promise<void>;
}

let mainThreadSeq = 0;
const mainThreadTag = `${process.pid}-main-${Math.random().toString(16).slice(2, 8)}`;
const mainThreadPending = new Set<Promise<unknown>>();

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
