import { readCaseText } from '../case/read-case-text.js';
import type { CaseFileRef, CaseText } from './protocol.js';

/** Options of `CaseTextFeeder`. */
export interface CaseTextFeederOptions {
  /** Most texts read and not yet used by the worker. @default 256 */
  window?: number;
  /** Most characters of such texts (one text is always allowed, however long). @default 16 Mi */
  windowChars?: number;
  /** Texts per message. @default 32 */
  batch?: number;
}

/**
 * Reads a worker's case files on the main thread, ahead of the worker, and posts their texts in the order
 * the worker takes them. Reading is a third of what a fast case costs the worker (open, stat, read, close
 * and decoding, ~25-40 µs a file here), while the main thread is idle about half of a run: the worker then
 * only parses, validates and replays. At most `window` texts, and `windowChars` characters, are read and
 * not yet used, so memory stays small whatever the suite's size and however large its cases; the worker
 * says how many it has used (`taken`), in the order they were sent.
 */
export class CaseTextFeeder {
  readonly #files: readonly CaseFileRef[];
  readonly #indices: readonly number[];
  readonly #post: (items: CaseText[]) => void;
  readonly #window: number;
  readonly #windowChars: number;
  readonly #batch: number;
  #next = 0;
  /** Lengths of the texts sent and not yet taken, oldest first (`#aheadStart` is the first of them). */
  readonly #aheadLengths: number[] = [];
  #aheadStart = 0;
  #aheadChars = 0;

  constructor(files: readonly CaseFileRef[], indices: readonly number[], post: (items: CaseText[]) => void, options: CaseTextFeederOptions = {}) {
    this.#files = files;
    this.#indices = indices;
    this.#post = post;
    this.#window = Math.max(1, options.window ?? 256);
    this.#windowChars = Math.max(0, options.windowChars ?? 16 * 1024 * 1024);
    this.#batch = Math.max(1, options.batch ?? 32);
  }

  /** Sends the first window of texts. */
  start(): void {
    this.#topUp();
  }

  /** The worker used `count` more texts (the oldest sent): read further. */
  taken(count: number): void {
    for (let i = 0; i < count && this.#aheadStart < this.#aheadLengths.length; i++) this.#aheadChars -= this.#aheadLengths[this.#aheadStart++]!;
    if (this.#aheadStart > 1024 && this.#aheadStart * 2 > this.#aheadLengths.length) {
      this.#aheadLengths.splice(0, this.#aheadStart);
      this.#aheadStart = 0;
    }
    this.#topUp();
  }

  /** Texts not sent yet. */
  get remaining(): number {
    return this.#indices.length - this.#next;
  }

  /** Texts sent and not yet taken. */
  get ahead(): number {
    return this.#aheadLengths.length - this.#aheadStart;
  }

  #room(): boolean {
    const ahead = this.ahead;
    return this.#next < this.#indices.length && ahead < this.#window && (ahead === 0 || this.#aheadChars < this.#windowChars);
  }

  #topUp(): void {
    while (this.#room()) {
      const items: CaseText[] = [];
      while (items.length < this.#batch && this.#room()) {
        const index = this.#indices[this.#next++]!;
        const read = readCaseText(this.#files[index]!.path);
        items.push(typeof read === 'string' ? { index, text: read } : { index, readError: read.readError });
        const length = typeof read === 'string' ? read.length : 0;
        this.#aheadLengths.push(length);
        this.#aheadChars += length;
      }
      this.#post(items);
    }
  }
}
