import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunArtifact } from '../model/run-artifact.js';

/**
 * Where captured runs go. `write` may be async; a rejection or throw is reported through the recorder's
 * `onError` and never reaches the agent's caller.
 */
export interface RunSink {
  /** Shown in error reports: `directory .rehearse/runs`, `jsonl runs.jsonl`, … */
  readonly name: string;
  write(run: RunArtifact): void | Promise<void>;
}

/** A sink, or a plain function that receives each run (to ship runs to your own store). */
export type RunSinkLike = RunSink | ((run: RunArtifact) => void | Promise<void>);

/** The default directory for captured runs, relative to the working directory. */
export const DEFAULT_RUNS_DIR = '.rehearse/runs';

/** `2024-06-11T10:30:00.123Z-<runId>.run.json`, with `:` made safe for every file system. */
export function runFileName(run: Pick<RunArtifact, 'startedAt' | 'runId'>): string {
  const safeId = run.runId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${run.startedAt.replace(/:/g, '-')}-${safeId}.run.json`;
}

/**
 * Writes each run to its own file, `<dir>/<startedAt>-<runId>.run.json`, atomically (a temporary file in the
 * same directory, then a rename), so a reader never sees half a run. Creates `dir` when needed.
 *
 * @default dir '.rehearse/runs'
 */
export function directorySink(dir: string = DEFAULT_RUNS_DIR): RunSink {
  let ready: Promise<unknown> | undefined;
  return {
    name: `directory ${dir}`,
    async write(run) {
      ready ??= mkdir(dir, { recursive: true }).catch((error: unknown) => {
        ready = undefined; // try again on the next run: the directory may become creatable
        throw error;
      });
      await ready;
      const file = join(dir, runFileName(run));
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        // Compact: runs are machine-read (promote, replay); the case written from one is the file people read.
        await writeFile(temp, `${JSON.stringify(run)}\n`);
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => {});
        throw error;
      }
    },
  };
}

/**
 * Appends each run as one JSON line, to a file (created with its directory) or to a writable stream you own
 * (stdout, a socket, a log shipper). Writes are serialised, so lines never interleave within a process.
 * For a stream, the sink listens for its `error` events (so a broken stream does not crash the process) and
 * reports the error with the next write.
 */
export function jsonlSink(target: string | NodeJS.WritableStream): RunSink {
  if (typeof target === 'string') {
    let queue: Promise<unknown> = mkdir(dirname(target), { recursive: true }).catch(() => {});
    return {
      name: `jsonl ${target}`,
      write(run) {
        const line = `${JSON.stringify(run)}\n`;
        const next = queue.then(() => appendFile(target, line));
        queue = next.catch(() => {});
        return next;
      },
    };
  }
  let streamError: Error | undefined;
  target.on('error', (error: Error) => {
    streamError = error;
  });
  return {
    name: 'jsonl stream',
    write(run) {
      if (streamError) return Promise.reject(streamError);
      return new Promise<void>((resolve, reject) => {
        target.write(`${JSON.stringify(run)}\n`, (error?: Error | null) => (error ? reject(error) : resolve()));
      });
    },
  };
}

/** Hands each run to `fn` (to ship runs to a queue, a bucket, your observability store). */
export function functionSink(fn: (run: RunArtifact) => void | Promise<void>, name = fn.name || 'function'): RunSink {
  return { name, write: fn };
}

/** Normalizes what `capture({ sink })` accepts into a list of sinks. */
export function toSinks(sink: RunSinkLike | RunSinkLike[] | undefined): RunSink[] {
  if (sink === undefined) return [directorySink()];
  const list = Array.isArray(sink) ? sink : [sink];
  return list.map((s) => (typeof s === 'function' ? functionSink(s) : s));
}
