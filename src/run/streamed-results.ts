import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseResult, RunResults, RunTotals } from '../model/result.js';
import { replaceAtomically, writeAll } from '../report/results-file.js';
import { addToTotals, emptyTotals } from './totals.js';

/** One finished case on its way to the file: its index in file order, its result (for the totals) and its JSON text. */
export interface StreamedCase {
  index: number;
  result: CaseResult;
  text: string;
}

/**
 * The results file, written as cases finish: after every batch the file on disk is a complete, valid results
 * document marked `"partial": true`, so a run that is killed outright (SIGKILL, OOM, a CI runner's hard
 * timeout) still leaves what it finished. Each write appends the new cases over the previous closing tail
 * (`], "totals": …}`) and writes a new tail, so it costs one positional write per batch, not a rewrite.
 *
 * The texts are not kept: only where each case's text lies in the file (two numbers per case). When the run
 * ends, `complete` writes the whole document, cases in file order, by copying those byte ranges into a temp
 * file that is then renamed over this one; memory stays flat however many cases ran.
 */
export class StreamedResultsFile {
  readonly #path: string;
  readonly #fd: number;
  /** Where the next case text goes: just after the last one, before the tail. */
  #position: number;
  #first = true;
  #closed = false;
  readonly #totals: RunTotals = emptyTotals();
  readonly #started = performance.now();
  /** Byte offset and UTF-8 length of each case's text, by case index; a length of 0 means "not written". */
  #offsets = new Float64Array(1024);
  #lengths = new Uint32Array(1024);
  #count = 0;
  #highest = -1;

  constructor(path: string, envelope: Omit<RunResults, 'cases' | 'totals' | 'durationMs' | 'partial'>) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    // Read back as well as written: `complete` and `readCase` copy case texts out of it.
    this.#fd = openSync(path, 'w+');
    const head = `${JSON.stringify({ ...envelope, partial: true }).slice(0, -1)},"cases":[`;
    this.#position = writeSync(this.#fd, head, 0);
    this.#writeTail();
  }

  /** Number of cases written so far. */
  get count(): number {
    return this.#count;
  }

  /** Appends finished cases (their JSON texts as the worker serialized them). */
  append(cases: readonly StreamedCase[]): void {
    if (cases.length === 0) return;
    let chunk = '';
    let at = this.#position;
    for (const { index, result, text } of cases) {
      if (!this.#first) {
        chunk += ',';
        at += 1;
      }
      this.#first = false;
      const length = Buffer.byteLength(text);
      this.#remember(index, at, length);
      chunk += text;
      at += length;
      addToTotals(this.#totals, result);
    }
    this.#position += writeSync(this.#fd, chunk, this.#position);
    this.#writeTail();
  }

  /** The JSON text of a case written earlier, read back from the file (for the rare case that must be rewritten). */
  readCase(index: number): string {
    const length = this.#lengths[index] ?? 0;
    if (length === 0) throw new Error(`${this.#path}: case #${index} was never written to the results file`);
    const buffer = Buffer.allocUnsafe(length);
    readFully(this.#fd, buffer, 0, length, this.#offsets[index]!);
    return buffer.toString('utf8');
  }

  /**
   * Replaces the file with the complete results document: `envelope` (everything but `cases`), then every case
   * written, in case-index order, each as written unless `replaced` has a new text for it. The bytes are the
   * same as `JSON.stringify` of the document with `cases` moved last, plus a newline. Atomic (temp file and
   * rename): until the rename, the streamed partial document stays on disk. Closes the file.
   */
  complete(envelope: Omit<RunResults, 'cases'>, replaced: ReadonlyMap<number, string> = new Map()): void {
    const head = JSON.stringify({ ...envelope, cases: [] });
    const out = new ChunkedWriter();
    try {
      replaceAtomically(this.#path, (fd) => {
        out.open(fd);
        out.text(`${head.slice(0, -3)}[`);
        this.#copyCases(out, replaced);
        out.text(']}\n');
        out.flush();
      });
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  /** Copies the case texts in index order, one read per run of cases that already lie in order in the file. */
  #copyCases(out: ChunkedWriter, replaced: ReadonlyMap<number, string>): void {
    let start = -1;
    let end = -1;
    let first = true;
    const flushRun = (): void => {
      if (start >= 0) out.copy(this.#fd, start, end - start);
      start = end = -1;
    };
    for (let index = 0; index <= this.#highest; index++) {
      const length = this.#lengths[index] ?? 0;
      if (length === 0) continue;
      const text = replaced.get(index);
      if (text !== undefined) {
        flushRun();
        out.text(first ? text : `,${text}`);
      } else {
        const offset = this.#offsets[index]!;
        // Written right after the previous one (a comma between): extend the run, comma included.
        if (start >= 0 && offset === end + 1) end = offset + length;
        else {
          flushRun();
          if (!first) out.text(',');
          start = offset;
          end = offset + length;
        }
      }
      first = false;
    }
    flushRun();
  }

  #remember(index: number, offset: number, length: number): void {
    if (index >= this.#offsets.length) {
      const size = Math.max(index + 1, this.#offsets.length * 2);
      const offsets = new Float64Array(size);
      offsets.set(this.#offsets);
      const lengths = new Uint32Array(size);
      lengths.set(this.#lengths);
      this.#offsets = offsets;
      this.#lengths = lengths;
    }
    this.#offsets[index] = offset;
    this.#lengths[index] = length;
    this.#count += 1;
    if (index > this.#highest) this.#highest = index;
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
/** The one buffer `complete` copies through: large enough that a run of cases costs few system calls. */
const COPY_BUFFER_BYTES = 1 << 20;

/** Sequential writes to a file through one reusable buffer. */
class ChunkedWriter {
  readonly #buffer = Buffer.allocUnsafe(COPY_BUFFER_BYTES);
  #fill = 0;
  #fd = -1;

  open(fd: number): void {
    this.#fd = fd;
  }

  text(text: string): void {
    if (Buffer.byteLength(text) > this.#buffer.length - this.#fill) {
      this.flush();
      if (Buffer.byteLength(text) > this.#buffer.length) return void writeSync(this.#fd, text);
    }
    this.#fill += this.#buffer.write(text, this.#fill);
  }

  /** Copies `length` bytes at `offset` of file `from`, through the buffer. */
  copy(from: number, offset: number, length: number): void {
    let done = 0;
    while (done < length) {
      if (this.#fill === this.#buffer.length) this.flush();
      const take = Math.min(length - done, this.#buffer.length - this.#fill);
      readFully(from, this.#buffer, this.#fill, take, offset + done);
      this.#fill += take;
      done += take;
    }
  }

  flush(): void {
    writeAll(this.#fd, this.#buffer.subarray(0, this.#fill));
    this.#fill = 0;
  }
}

/** `readSync` until `length` bytes are in, or a clear error when the file is shorter than it should be. */
function readFully(fd: number, buffer: Buffer, at: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, at + done, length - done, position + done);
    if (n === 0) throw new Error(`the streamed results file ended at byte ${position + done}, expected ${length - done} more; was it changed during the run?`);
    done += n;
  }
}
