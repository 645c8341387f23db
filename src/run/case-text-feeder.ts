import { readCaseText } from '../case/read-case-text.js';
import type { CaseFileRef, CaseText } from './protocol.js';

/**
 * Reads a worker's case files on the main thread, ahead of the worker, and posts their texts in the order
 * the worker takes them. Reading is a third of what a fast case costs the worker (open, stat, read, close
 * and decoding, ~25-40 µs a file here), while the main thread is idle about half of a run: the worker then
 * only parses, validates and replays. At most `window` texts are read and not yet used, so memory stays
 * small whatever the suite's size; the worker says how many it has used (`taken`).
 */
export class CaseTextFeeder {
  readonly #files: readonly CaseFileRef[];
  readonly #indices: readonly number[];
  readonly #post: (items: CaseText[]) => void;
  readonly #window: number;
  readonly #batch: number;
  #next = 0;
  #ahead = 0;

  constructor(files: readonly CaseFileRef[], indices: readonly number[], post: (items: CaseText[]) => void, options: { window?: number; batch?: number } = {}) {
    this.#files = files;
    this.#indices = indices;
    this.#post = post;
    this.#window = Math.max(1, options.window ?? 256);
    this.#batch = Math.max(1, options.batch ?? 32);
  }

  /** Sends the first window of texts. */
  start(): void {
    this.#topUp();
  }

  /** The worker used `count` more texts: read that many further. */
  taken(count: number): void {
    this.#ahead = Math.max(0, this.#ahead - count);
    this.#topUp();
  }

  /** Texts not sent yet. */
  get remaining(): number {
    return this.#indices.length - this.#next;
  }

  #topUp(): void {
    while (this.#next < this.#indices.length && this.#ahead < this.#window) {
      const items: CaseText[] = [];
      while (items.length < this.#batch && this.#next < this.#indices.length && this.#ahead < this.#window) {
        const index = this.#indices[this.#next++]!;
        const read = readCaseText(this.#files[index]!.path);
        items.push(typeof read === 'string' ? { index, text: read } : { index, readError: read.readError });
        this.#ahead++;
      }
      this.#post(items);
    }
  }
}
