import type { CaseText } from './protocol.js';

/**
 * The worker's side of the read-ahead (see case-text-feeder.ts): texts arrive in batches from the main
 * thread; a lane takes the text of the case it is about to run, waiting if it has not arrived yet. Every
 * `ackEvery` texts taken, the main thread is told, so it reads further.
 */
export class CaseTextInbox {
  readonly #arrived = new Map<number, CaseText>();
  readonly #waiting = new Map<number, (text: CaseText) => void>();
  readonly #ack: (count: number) => void;
  readonly #ackEvery: number;
  #unacknowledged = 0;

  constructor(ack: (count: number) => void, ackEvery = 64) {
    this.#ack = ack;
    this.#ackEvery = Math.max(1, ackEvery);
  }

  /** Texts from the main thread. */
  receive(items: readonly CaseText[]): void {
    for (const item of items) {
      const waiter = this.#waiting.get(item.index);
      if (waiter) {
        this.#waiting.delete(item.index);
        waiter(item);
      } else {
        this.#arrived.set(item.index, item);
      }
    }
  }

  /** The text of case `index`, once (it is forgotten when taken). */
  take(index: number): CaseText | Promise<CaseText> {
    const item = this.#arrived.get(index);
    if (item) {
      this.#arrived.delete(index);
      this.#taken();
      return item;
    }
    // About to wait: say what was used so far, whatever the count, so the main thread can never be waiting
    // for an acknowledgement while this side waits for a text (a window smaller than `ackEvery`).
    this.#acknowledge();
    return new Promise<CaseText>((resolve) => {
      this.#waiting.set(index, (arrived) => {
        this.#taken();
        resolve(arrived);
      });
    });
  }

  #taken(): void {
    if (++this.#unacknowledged >= this.#ackEvery) this.#acknowledge();
  }

  #acknowledge(): void {
    if (this.#unacknowledged === 0) return;
    this.#ack(this.#unacknowledged);
    this.#unacknowledged = 0;
  }
}
