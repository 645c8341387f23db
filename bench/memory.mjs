#!/usr/bin/env node
// Memory of a long run: peak RSS of `rehearse run` (results file and terminal reporter, as users run it) at
// several suite sizes, and the slope in MB per 1,000 cases (least squares over the sizes). A run keeps each
// case's full result only while it matters for a report (see src/run/retention.ts), so the slope should be
// small: what remains per case is its slim result and verdict. The second line is the main thread's heap
// after a full GC at onRunEnd (bench/heap-reporter.mjs): what the run retains, free of GC timing.
//
//   node bench/memory.mjs                  10,000 and 20,000 cases (what `npm run bench` prints)
//   node bench/memory.mjs 1000 5000 …      the sizes given
//   node bench/memory.mjs --json …         the figures as JSON
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWorkspace } from './generate.mjs';
import { peakRss } from './measure.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = join(benchDir, '..');
const work = join(benchDir, '.work');
const cli = join(root, 'bin', 'rehearse.js');
const asJson = process.argv.includes('--json');
const given = process.argv.slice(2).filter((a) => a !== '--json').map(Number);
if (given.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write('bench/memory: sizes must be whole numbers of cases, e.g. node bench/memory.mjs 1000 10000\n');
  process.exit(2);
}
const sizes = given.length > 0 ? given : [10_000, 20_000];

const rows = [];
for (const n of sizes) {
  const ws = ensureWorkspace(work, n, root);
  const subject = { args: [cli, 'run', '--out', join(work, 'out', `memory-${n}.json`), '--reporter', 'terminal'], cwd: ws.dir };
  // The larger of two runs: a lucky GC should not flatter the figure.
  const bytes = Math.max(peakRss(subject) ?? 0, peakRss(subject) ?? 0);
  rows.push({ cases: n, peakRssMB: bytes / 1e6, retainedHeapMB: retainedHeap(subject) / 1e6 });
}
const slope = slopePerThousand(rows, 'peakRssMB');
const retainedSlope = slopePerThousand(rows, 'retainedHeapMB');

if (asJson) process.stdout.write(JSON.stringify({ rows, slopeMBPer1000: slope, retainedSlopeMBPer1000: retainedSlope }, null, 2) + '\n');
else {
  const line = (label, key, per) => {
    const figures = rows.map((r) => `${r.cases.toLocaleString('en')} cases ${r[key].toFixed(0)} MB`).join(', ');
    const slopeText = per === undefined ? '' : `; slope ${per.toFixed(1)} MB per 1,000 cases`;
    process.stdout.write(`  ${label}: ${figures}${slopeText}\n`);
  };
  line('peak RSS of rehearse run (both threads)', 'peakRssMB', slope);
  line('main-thread heap retained at onRunEnd ', 'retainedHeapMB', retainedSlope);
}

/** The main thread's heap after a full GC when the run ends (bench/heap-reporter.mjs), in bytes. */
function retainedHeap(subject) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...subject.args, '--reporter', join(benchDir, 'heap-reporter.mjs')], {
    cwd: subject.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const match = /BENCH_RETAINED_HEAP=(\d+)/.exec(child.stderr.toString());
  return match ? Number(match[1]) : NaN;
}

/** Least-squares slope of a figure (MB) over case count, in MB per 1,000 cases (undefined for a single size). */
function slopePerThousand(points, key) {
  if (points.length < 2) return undefined;
  const mx = points.reduce((s, p) => s + p.cases, 0) / points.length;
  const my = points.reduce((s, p) => s + p[key], 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.cases - mx) * (p[key] - my);
    den += (p.cases - mx) ** 2;
  }
  return den === 0 ? undefined : (num / den) * 1000;
}
