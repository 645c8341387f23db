import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { CaseResult, RunResults } from '../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/result.js';
import { StreamedResultsFile, type StreamedCase } from './streamed-results.js';
import { totalsOf } from './totals.js';

/* Real files in a temp folder: the partial document while a run goes, and the complete one it is replaced by. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-streamed-'));
  dirs.push(dir);
  return join(dir, 'out', 'results.json');
}

const envelope = { format: RESULTS_FORMAT, version: RESULTS_VERSION, runId: 'run-1', startedAt: '2026-01-01T00:00:00.000Z', repeat: 1 } as const;

function caseAt(index: number, note = ''): CaseResult {
  // Multi-byte text: offsets are bytes, not characters.
  return { key: `s/c${index}`, suite: 's', id: `c${index}`, title: `Bestellung ${index} — geliefert ✓ 📦${note}`, tags: [], file: `suites/s/c${index}.case.json`, status: index % 3 ? 'passed' : 'failed', passes: index % 3 ? 1 : 0, attempts: [], durationMs: index };
}
const streamed = (index: number, note = ''): StreamedCase => {
  const result = caseAt(index, note);
  return { index, result, text: JSON.stringify(result) };
};

/** The document `complete` must write: JSON.stringify with `cases` last, and a newline. */
function expected(cases: CaseResult[], extra: Partial<RunResults> = {}): string {
  const results = { ...envelope, durationMs: 7, totals: totalsOf(cases), ...extra };
  return `${JSON.stringify({ ...results, cases })}\n`;
}

describe('StreamedResultsFile', () => {
  test('valid and partial after every batch; complete writes the cases in index order, byte for byte', () => {
    const path = tempFile();
    const file = new StreamedResultsFile(path, envelope);
    const finished = [7, 2, 3, 0, 9, 4, 1]; // completion order, with gaps (5, 6, 8 not selected)
    file.append(finished.slice(0, 3).map((i) => streamed(i)));
    const partial = JSON.parse(readFileSync(path, 'utf8')) as RunResults;
    expect(partial.partial).toBe(true);
    expect(partial.cases.map((c) => c.id)).toEqual(['c7', 'c2', 'c3']);
    expect(partial.totals.cases).toBe(3);
    file.append(finished.slice(3).map((i) => streamed(i)));
    expect(file.readCase(9)).toBe(JSON.stringify(caseAt(9)));

    const ordered = [0, 1, 2, 3, 4, 7, 9].map((i) => caseAt(i));
    file.complete({ ...envelope, durationMs: 7, totals: totalsOf(ordered) });
    expect(readFileSync(path, 'utf8')).toBe(expected(ordered));
    expect(readdirSync(join(path, '..'))).toEqual(['results.json']); // the temp file was renamed, none left
  });

  test('rewritten cases replace their text; the envelope keeps partial, commit and shard when given', () => {
    const path = tempFile();
    const file = new StreamedResultsFile(path, envelope);
    file.append([streamed(1), streamed(0)]);
    file.append([streamed(2)]);
    const changed = { ...caseAt(1), status: 'errored' as const };
    const ordered = [caseAt(0), changed, caseAt(2)];
    const extra = { partial: true, commit: 'abc', shard: '1/2' };
    file.complete({ ...envelope, durationMs: 7, totals: totalsOf(ordered), ...extra }, new Map([[1, JSON.stringify(changed)]]));
    expect(readFileSync(path, 'utf8')).toBe(expected(ordered, extra));
  });

  test('texts larger than the copy buffer, and a run with no cases', () => {
    const path = tempFile();
    const file = new StreamedResultsFile(path, envelope);
    const big = 'é'.repeat(700_000); // 1.4 MB of UTF-8: longer than the 1 MiB buffer
    file.append([streamed(1, big), streamed(0)]);
    file.append([streamed(2, big)]);
    const ordered = [caseAt(0), caseAt(1, big), caseAt(2, big)];
    file.complete({ ...envelope, durationMs: 7, totals: totalsOf(ordered) });
    expect(readFileSync(path, 'utf8')).toBe(expected(ordered));

    const empty = tempFile();
    const none = new StreamedResultsFile(empty, envelope);
    none.complete({ ...envelope, durationMs: 7, totals: totalsOf([]) });
    expect(readFileSync(empty, 'utf8')).toBe(expected([]));
  });

  test('keeps no case text: 5,000 appended cases cost two numbers each (read back from the file)', () => {
    const path = tempFile();
    const file = new StreamedResultsFile(path, envelope);
    for (let i = 0; i < 5_000; i += 50) file.append(Array.from({ length: 50 }, (_, j) => streamed(i + j)));
    expect(file.count).toBe(5_000);
    expect(JSON.parse(file.readCase(4321))).toEqual(caseAt(4321));
    // Change the file's bytes of case 4321 behind its back: the complete document must show the change,
    // which proves the texts are copied from the file, not from memory.
    const onDisk = readFileSync(path);
    const at = onDisk.indexOf('Bestellung 4321 ');
    const fd = openSync(path, 'r+');
    writeSync(fd, 'Bestellung XXXX ', at);
    closeSync(fd);
    const ordered = Array.from({ length: 5_000 }, (_, i) => (i === 4321 ? { ...caseAt(i), title: caseAt(i).title.replace('4321', 'XXXX') } : caseAt(i)));
    file.complete({ ...envelope, durationMs: 7, totals: totalsOf(ordered) });
    expect(readFileSync(path, 'utf8')).toBe(expected(ordered));
  });
});
