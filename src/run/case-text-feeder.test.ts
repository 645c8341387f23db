import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CaseTextFeeder } from './case-text-feeder.js';
import { CaseTextInbox } from './case-text-inbox.js';
import type { CaseFileRef, CaseText } from './protocol.js';

/* The read-ahead between the main thread (feeder) and the worker (inbox), on real files in a temp folder. */

let dir: string;
let files: CaseFileRef[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rehearse-feeder-'));
  mkdirSync(join(dir, 's'));
  files = Array.from({ length: 40 }, (_, i) => {
    const path = join(dir, 's', `c${i}.case.json`);
    if (i !== 7) writeFileSync(path, `{"n":${i},"text":"é ${'x'.repeat(i)}"}`); // case 7 is missing on disk
    return { path, display: `s/c${i}.case.json`, suite: 's' };
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CaseTextFeeder', () => {
  test('sends the texts in the order asked, never more than the window ahead of what was taken', () => {
    const order = [5, 3, 9, 0, 7, ...Array.from({ length: 30 }, (_, i) => i + 10)];
    const batches: CaseText[][] = [];
    const feeder = new CaseTextFeeder(files, order, (items) => batches.push(items), { window: 8, batch: 3 });
    feeder.start();
    const sent = (): CaseText[] => batches.flat();
    expect(sent().map((t) => t.index)).toEqual(order.slice(0, 8));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 2]);
    expect(sent()[0]).toEqual({ index: 5, text: `{"n":5,"text":"é xxxxx"}` });
    // A file that cannot be read travels as the reason, for the worker to report as the case's error.
    expect(sent()[4]).toMatchObject({ index: 7, readError: expect.stringContaining('ENOENT') });
    expect(sent()[4]).not.toHaveProperty('text');

    feeder.taken(5);
    expect(sent().map((t) => t.index)).toEqual(order.slice(0, 13));
    feeder.taken(100); // more than is out: it never goes negative, it tops up to the window
    expect(sent().map((t) => t.index)).toEqual(order.slice(0, 21));
    while (feeder.remaining > 0) feeder.taken(8);
    expect(sent().map((t) => t.index)).toEqual(order);
  });
});

describe('CaseTextFeeder with large cases', () => {
  test('keeps the characters read ahead under windowChars, always letting one text through', () => {
    const order = Array.from({ length: 20 }, (_, i) => i + 20); // case i's text is 20 + i characters
    const sent: CaseText[] = [];
    const feeder = new CaseTextFeeder(files, order, (items) => sent.push(...items), { window: 100, windowChars: 100, batch: 10 });
    feeder.start();
    // 40 + 41 = 81 < 100, so a third is read; then 123 ≥ 100 stops it.
    expect(sent.map((t) => t.index)).toEqual([20, 21, 22]);
    expect(feeder.ahead).toBe(3);
    feeder.taken(1); // 41 + 42 = 83: one more (43) fits, then 126
    expect(sent.map((t) => t.index)).toEqual([20, 21, 22, 23]);
    feeder.taken(0);
    expect(sent).toHaveLength(4);
    feeder.taken(2); // 43 left: 24 (44) and 25 (45) fit, then 132
    expect(sent.map((t) => t.index)).toEqual([20, 21, 22, 23, 24, 25]);
    expect(feeder.ahead).toBe(3);
    const tiny = new CaseTextFeeder(files, order, (items) => sent.push(...items), { windowChars: 1 });
    sent.length = 0;
    tiny.start();
    expect(sent.map((t) => t.index)).toEqual([20]); // larger than the window on its own, and still sent
  });
});

describe('feeder and inbox together', () => {
  test('never stall, whatever the window and the acknowledgement interval', async () => {
    for (const [window, ackEvery, windowChars] of [[1, 64, undefined], [3, 2, undefined], [8, 8, undefined], [48, 64, undefined], [256, 64, undefined], [256, 64, 1], [256, 5, 60]] as const) {
      const order = files.map((_, i) => i);
      let feeder!: CaseTextFeeder;
      // Messages cross threads asynchronously: deliver them on later turns, as postMessage does.
      const inbox = new CaseTextInbox((count) => void setImmediate(() => feeder.taken(count)), ackEvery);
      feeder = new CaseTextFeeder(files, order, (items) => void setImmediate(() => inbox.receive(items)), { window, batch: 2, ...(windowChars !== undefined && { windowChars }) });
      feeder.start();
      const taken: number[] = [];
      for (const index of order) {
        const item = inbox.take(index);
        taken.push((item instanceof Promise ? await item : item).index);
      }
      expect(taken).toEqual(order);
    }
  });
});

describe('CaseTextInbox', () => {
  test('hands each text over once, waits for one not arrived yet, and acknowledges every N taken or before it waits', async () => {
    const acks: number[] = [];
    const inbox = new CaseTextInbox((count) => acks.push(count), 2);
    inbox.receive([{ index: 1, text: 'one' }, { index: 2, readError: 'EACCES' }]);
    expect(inbox.take(1)).toEqual({ index: 1, text: 'one' });
    expect(acks).toEqual([]);
    const waiting = inbox.take(3);
    expect(waiting).toBeInstanceOf(Promise);
    expect(acks).toEqual([1]); // about to wait: the one taken so far is acknowledged at once
    expect(inbox.take(2)).toEqual({ index: 2, readError: 'EACCES' });
    expect(acks).toEqual([1]);
    inbox.receive([{ index: 3, text: 'three' }]);
    await expect(waiting).resolves.toEqual({ index: 3, text: 'three' });
    expect(acks).toEqual([1, 2]); // 2 and 3: every second one
    // A text is forgotten once taken: asking again waits for a new one.
    expect(inbox.take(1)).toBeInstanceOf(Promise);
    inbox.receive([{ index: 4, text: 'four' }]);
    expect(inbox.take(4)).toEqual({ index: 4, text: 'four' });
    expect(acks).toEqual([1, 2]);
  });
});
