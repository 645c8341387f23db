import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseResult, RunResults, RunTotals } from '../model/result.js';
import { addToTotals, emptyTotals } from './totals.js';

/**
 * The results file, written as cases finish: after every batch the file on disk is a complete, valid results
 * document marked `"partial": true`, so a run that is killed outright (SIGKILL, OOM, a CI runner's hard
 * timeout) still leaves what it finished. Each write appends the new cases over the previous closing tail
 * (`], "totals": …}`) and writes a new tail, so it costs one positional write per batch, not a rewrite.
 * When the run ends, the caller replaces the file with the complete document (cases in file order).
 */
export class StreamedResultsFile {
  readonly #fd: number;
  /** Where the next case text goes: just after the last one, before the tail. */
  #position: number;
  #first = true;
  readonly #totals: RunTotals = emptyTotals();
  readonly #started = performance.now();

  constructor(path: string, envelope: Omit<RunResults, 'cases' | 'totals' | 'durationMs' | 'partial'>) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'w');
    const head = `${JSON.stringify({ ...envelope, partial: true }).slice(0, -1)},"cases":[`;
    this.#position = writeSync(this.#fd, head, 0);
    this.#writeTail();
  }

  /** Appends finished cases (their JSON texts as the worker serialized them). */
  append(cases: readonly { result: CaseResult; text: string }[]): void {
    if (cases.length === 0) return;
    let chunk = '';
    for (const { result, text } of cases) {
      chunk += (this.#first ? '' : ',') + text;
      this.#first = false;
      addToTotals(this.#totals, result);
    }
    this.#position += writeSync(this.#fd, chunk, this.#position);
    this.#writeTail();
  }

  close(): void {
    closeSync(this.#fd);
  }

  #writeTail(): void {
    const durationMs = Math.round(performance.now() - this.#started);
    // Padding keeps a later, shorter tail from leaving bytes of a longer one behind: JSON allows trailing spaces.
    const tail = `],"totals":${JSON.stringify(this.#totals)},"durationMs":${durationMs}}\n`.padEnd(TAIL_ROOM, ' ');
    writeSync(this.#fd, tail, this.#position);
  }
}

/** Bytes reserved for the tail; a tail is far shorter (a few counts and token sums). */
const TAIL_ROOM = 512;
