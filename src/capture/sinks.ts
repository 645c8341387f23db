import { backgroundWriter } from './background-writer.js';
import { mainThreadWriter, runFileName, type JobWriter } from './file-jobs.js';
import type { RunArtifact } from '../model/run-artifact.js';
import type { RedactOptions } from './redact.js';

/**
 * Where captured runs go. `write` may be async; a rejection or throw is reported through the recorder's
 * `onError` and never reaches the agent's caller.
 */
export interface RunSink {
  /** Shown in error reports: `directory .rehearse/runs`, `jsonl runs.jsonl`, … */
  readonly name: string;
  write(run: RunArtifact): void | Promise<void>;
  /**
   * Optional: send on whatever the sink holds back to batch writes, and resolve when every run written so far
   * is done. The recorder calls it from `flush()`; sinks that write at once need none.
   */
  flush?(): Promise<void>;
}

/**
 * The method of the built-in sinks that takes a run before redaction, with the redaction to apply where the
 * run is written (their writer thread), which keeps redaction off the agent's thread.
 * A symbol the recorder alone uses: sinks written by users always receive runs already redacted.
 */
export const WRITE_UNREDACTED: unique symbol = Symbol('rehearse.sink.writeUnredacted');

/** A sink that redacts runs itself before anything is written or handed on (the directory and JSONL sinks). */
export interface SelfRedactingSink extends RunSink {
  [WRITE_UNREDACTED](run: RunArtifact, redact: RedactOptions): Promise<void>;
}

export function redactsItself(sink: RunSink): sink is SelfRedactingSink {
  return typeof (sink as Partial<SelfRedactingSink>)[WRITE_UNREDACTED] === 'function';
}

/** A sink, or a plain function that receives each run (to ship runs to your own store). */
export type RunSinkLike = RunSink | ((run: RunArtifact) => void | Promise<void>);

/** The default directory for captured runs, relative to the working directory. */
export const DEFAULT_RUNS_DIR = '.rehearse/runs';

export { runFileName };

/** Options of the file sinks. */
export interface FileSinkOptions {
  /**
   * Write from a worker thread (started on the first run, shared by all file sinks, never keeping the
   * process alive once idle), so file system calls stay off the agent's thread. `false` writes with
   * asynchronous file calls on the main thread instead. @default true
   */
  worker?: boolean;
}

function jobWriter(options: FileSinkOptions | undefined): JobWriter {
  return options?.worker === false ? mainThreadWriter : backgroundWriter();
}

/**
 * Writes each run to its own file, `<dir>/<startedAt>-<runId>.run.json`, atomically (a temporary file in the
 * same directory, then a rename), so a reader never sees half a run. Creates `dir` when needed.
 *
 * Under `capture()`, runs are redacted and written by a worker thread (see {@link FileSinkOptions.worker});
 * the agent's thread only serializes each run and hands it over. Every run whose write has resolved, which
 * `flush()` waits for, is on disk; a process that exits by running out of work, calls `process.exit()` or dies of an uncaught
 * exception still writes every run handed to the sink. A crash (SIGKILL, out of memory, power loss) loses
 * the runs not yet written and may leave a `*.tmp` file, never a partial `.run.json`.
 *
 * @default dir '.rehearse/runs'
 */
export function directorySink(dir: string = DEFAULT_RUNS_DIR, options?: FileSinkOptions): RunSink {
  const writer = jobWriter(options);
  // A file job's write resolves with nothing (only `text` jobs resolve with their line), hence the casts.
  // Compact JSON (see jobText): runs are machine-read (promote, replay); the case made from one is what people read.
  const sink: SelfRedactingSink = {
    name: `directory ${dir}`,
    write: (run) => writer.write({ kind: 'file', dir, name: runFileName(run), json: JSON.stringify(run) }) as Promise<void>,
    [WRITE_UNREDACTED]: (run, redact) => writer.write({ kind: 'file', dir, name: runFileName(run), json: JSON.stringify(run), redact }) as Promise<void>,
    flush: () => writer.flush(),
  };
  return sink;
}

/**
 * Appends each run as one JSON line, to a file (created with its directory) or to a writable stream you own
 * (stdout, a socket, a log shipper).
 *
 * To a file: lines are written in the order runs reach the sink, by a worker thread that also redacts them
 * under `capture()` (see
 * {@link FileSinkOptions.worker}); runs that arrive within 10 ms of each other, or while a
 * write is in progress, go together in one write. Each write opens the file in append mode, writes whole lines and closes it, so lines never
 * interleave with another writer's (one `write(2)` with O_APPEND) and a rotated log is picked up. Durability
 * at exit and on a crash is as for {@link directorySink}; a crash never leaves half a line.
 *
 * To a stream: lines are written in the order runs reach the sink, so they never interleave within a
 * process. The sink listens for the stream's `error` events (so a broken stream does not crash the process)
 * and reports the error with the next write.
 *
 * To a function: each run's JSON (one line, no newline) is handed to `fn`, in order, to ship runs to a queue,
 * a log pipeline or an HTTP endpoint. Prefer this to a function sink that receives run objects when the runs
 * are serialized anyway: under `capture()`, the lines are redacted on the writer thread, and the run is
 * serialized once.
 *
 * A stream or function gets each run from the writer thread, in batches (see {@link FileSinkOptions.worker});
 * runs not yet handed over when the process calls `process.exit()` are lost, as nothing can receive them.
 *
 * @example
 * capture(agent, { sink: jsonlSink((json) => queue.send({ body: json })) });
 */
export function jsonlSink(target: string | NodeJS.WritableStream | ((json: string) => void | Promise<void>), options?: FileSinkOptions): RunSink {
  if (typeof target === 'string') {
    const writer = jobWriter(options);
    const sink: SelfRedactingSink = {
      name: `jsonl ${target}`,
      write: (run) => writer.write({ kind: 'append', path: target, json: JSON.stringify(run) }) as Promise<void>,
      [WRITE_UNREDACTED]: (run, redact) => writer.write({ kind: 'append', path: target, json: JSON.stringify(run), redact }) as Promise<void>,
      flush: () => writer.flush(),
    };
    return sink;
  }
  const deliver = typeof target === 'function' ? lineFunction(target) : lineStream(target);
  const writer = jobWriter(options);
  const sink: SelfRedactingSink = {
    name: typeof target === 'function' ? `jsonl ${target.name || 'function'}` : 'jsonl stream',
    write: (run) => writer.write({ kind: 'text', json: JSON.stringify(run) }).then(deliver),
    [WRITE_UNREDACTED]: (run, redact) => writer.write({ kind: 'text', json: JSON.stringify(run), redact }).then(deliver),
    flush: () => writer.flush(),
  };
  return sink;
}

/** Each line to `fn`, without its newline: one run's JSON. */
function lineFunction(fn: (json: string) => void | Promise<void>): (line: string | undefined) => void | Promise<void> {
  return (line) => fn(line!.slice(0, -1));
}

function lineStream(stream: NodeJS.WritableStream): (line: string | undefined) => Promise<void> {
  let streamError: Error | undefined;
  stream.on('error', (error: Error) => {
    streamError = error;
  });
  return (line) => {
    if (streamError) return Promise.reject(streamError);
    return new Promise<void>((resolve, reject) => {
      stream.write(line!, (error?: Error | null) => (error ? reject(error) : resolve()));
    });
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
