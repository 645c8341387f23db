#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
// `npm run bench`: how fast `rehearse run` replays generated cases, beside yardsticks timed in the same
// run (a bare `node -e 0`, and the floor: a plain script that only lists, reads, parses and calls the
// agent). Ratios within one run are what to read: the machine is shared, so absolute figures drift.
// Always exits 0: a benchmark reports, it does not fail CI.
//
//   node bench/run.mjs            1, 5,000 and 10,000 cases; K=5 (cold start K=10)
//   node bench/run.mjs --quick    1 and 1,000 cases, K=3 (a CI smoke run)
//   node bench/run.mjs --json     the figures as JSON on stdout, nothing else
import { readFileSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWorkspace } from './generate.mjs';
import { median, peakRss, timeInterleaved } from './measure.mjs';
import { evaluate, renderTable } from './report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const work = join(benchDir, '.work');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const asJson = argv.includes('--json');
const unknown = argv.filter((a) => a !== '--quick' && a !== '--json');
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown argument ${unknown.join(' ')}; use --quick and/or --json\n`);
  process.exit(2);
}

const sizes = quick ? [1, 1_000] : [1, 5_000, 10_000];
const kBig = quick ? 3 : 5;
const kCold = quick ? 3 : 10;
// Progress only on a terminal: in CI logs a line per step would bury the table.
const log = (line) => {
  if (!asJson && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
};

mkdirSync(join(work, 'out'), { recursive: true });
const workspaces = new Map();
for (const n of sizes) {
  log(`preparing ${n.toLocaleString('en')} cases`);
  workspaces.set(n, ensureWorkspace(work, n, root));
}

log('preparing 1 case with a TypeScript agent');
const tsWorkspace = ensureWorkspace(work, 1, root, { typescript: true });

const subjects = [{ name: 'node -e 0', kind: 'yardstick', args: ['-e', '0'], k: kCold, expectStatus: 0 }];
for (const n of sizes) {
  const ws = workspaces.get(n);
  const k = n === 1 ? kCold : kBig;
  subjects.push({
    name: `floor ${n}`,
    kind: 'floor',
    n,
    k,
    args: [join(benchDir, 'floor.mjs'), ws.dir],
    stdout: 'pipe',
    expectStatus: 0,
    check: (run) => {
      if (run.stdout.trim() !== String(n)) throw new Error(`floor ${n}: replied to ${run.stdout.trim()} cases, expected ${n}\n${run.stderr}`);
    },
  });
  const out = join(work, 'out', `results-${n}.json`);
  subjects.push({
    name: `rehearse ${n}`,
    kind: 'rehearse',
    n,
    k,
    cwd: ws.dir,
    args: [join(root, 'bin', 'rehearse.js'), 'run', '--config', 'rehearse.config.json', '--out', out, '--reporter', 'terminal'],
    expectStatus: 0,
    check: (run) => checkRehearseRun(run, out, n),
  });
}

// The cold start most users see: a TypeScript agent, which needs rehearse's loader hooks (their transpile
// cache is warm after the warm-up run, as on a developer's machine).
const tsOut = join(work, 'out', 'results-1-ts.json');
subjects.push({
  name: 'rehearse ts 1',
  kind: 'rehearse-ts',
  n: 1,
  k: kCold,
  cwd: tsWorkspace.dir,
  args: [join(root, 'bin', 'rehearse.js'), 'run', '--config', 'rehearse.config.json', '--out', tsOut, '--reporter', 'terminal'],
  expectStatus: 0,
  check: (run) => checkRehearseRun(run, tsOut, 1),
});

const loadBefore = loadavg()[0];
const started = performance.now();
const samples = timeInterleaved(subjects, (what) => log(`timing: ${what}`));
log('measuring peak RSS');
const figures = subjects.map((s) => {
  const { ms: times, cpuMs } = samples.get(s.name);
  // RSS varies little between runs; the larger of two keeps a lucky GC from flattering us.
  const rss = Math.max(peakRss(s) ?? 0, peakRss(s) ?? 0) || undefined;
  return { name: s.name, kind: s.kind, n: s.n, k: times.length, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), cpuMs: mean(cpuMs), rssBytes: rss };
});
log('');

const meta = {
  node: process.version,
  cpus: cpus().length,
  load: [loadBefore, loadavg()[0]],
  quick,
  sizes,
  caseBytes: averageCaseBytes(workspaces.get(sizes[sizes.length - 1]).dir),
  seconds: (performance.now() - started) / 1000,
};
const verdict = evaluate(figures, meta);
if (asJson) process.stdout.write(JSON.stringify({ meta, figures, ...verdict }, null, 2) + '\n');
else process.stdout.write(renderTable(figures, meta, verdict));

// The I/O-bound side (live model calls): concurrency, measured by its own script so it can run alone too.
if (!quick && !asJson) {
  process.stdout.write('\nI/O-bound cases (bench/concurrency.mjs):\n');
  spawnSync(process.execPath, [fileURLToPath(new URL('./concurrency.mjs', import.meta.url))], { stdio: 'inherit' });
  process.stdout.write('\nSharded runs (bench/shards.mjs):\n');
  spawnSync(process.execPath, [fileURLToPath(new URL('./shards.mjs', import.meta.url))], { stdio: 'inherit' });
  process.stdout.write('\nMemory of a long run (bench/memory.mjs):\n');
  spawnSync(process.execPath, [fileURLToPath(new URL('./memory.mjs', import.meta.url))], { stdio: 'inherit' });
  process.stdout.write('\nCapture overhead in production (bench/capture.mjs):\n');
  spawnSync(process.execPath, [fileURLToPath(new URL('./capture.mjs', import.meta.url))], { stdio: 'inherit' });
}

/** The first (warm-up) run of each size is checked: every case replayed, passed, and was written out. */
function checkRehearseRun(run, out, n) {
  if (run.status !== 0) throw new Error(`rehearse on ${n} cases exited with ${run.status}:\n${run.stderr.slice(-2000)}`);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  const { cases, passed } = results.totals;
  if (cases !== n || passed !== n) {
    throw new Error(`rehearse on ${n} cases: results file says ${cases} cases, ${passed} passed; expected ${n} and ${n}. See ${out}`);
  }
}

function mean(values) {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

function averageCaseBytes(dir) {
  const suite = join(dir, 'suites', 'bench');
  const files = readdirSync(suite).slice(0, 200);
  return Math.round(files.reduce((sum, f) => sum + statSync(join(suite, f)).size, 0) / files.length);
}
