/**
 * What the background writer and its thread share: the slots of the shared state array, the data the
 * thread starts with, and its reply per batch. Types and constants only, so the thread's bundle stays small.
 */

/**
 * Slots of the Int32Array over `WriterWorkerData.state`: `stop` is set by the main thread at process exit,
 * `busy` while the thread writes, `done` is the `seq` of the last job it finished. They let the main thread's
 * `exit` handler stop the thread between two writes and write the rest itself, none of them twice.
 */
export const STATE = { stop: 0, busy: 1, done: 2 } as const;
export const STATE_SLOTS = 3;

export interface WriterWorkerData {
  state: SharedArrayBuffer;
  /** Makes temporary file names unique across processes and writers. */
  tag: string;
  /** The thread's nice value on Linux. */
  nice: number;
}

/** The thread's reply to one batch: the last job it covered, what failed, and the lines of `text` jobs. */
export interface WriterReply {
  done: number;
  texts: { seq: number; text: string }[];
  errors: { seq: number; name: string; message: string; code?: string | undefined }[];
}
