#!/usr/bin/env node
// Where the time goes in `rehearse run`: runs it under `node --cpu-prof` (the main thread and the case
// worker each write a profile) and summarises each thread: self time by function and by source file,
// and when (ms after the process started) key functions first and last ran.
//
//   node bench/profile.mjs [N=5000] [--top 25] [--keep]
// Needs the workspace `node bench/run.mjs` generates (made here when missing).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWorkspace } from './generate.mjs';
import { printProfile } from './profile-summary.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const argv = process.argv.slice(2);
const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5000);
const topIndex = argv.indexOf('--top');
const top = topIndex >= 0 ? Number(argv[topIndex + 1]) : 25;
const ws = ensureWorkspace(join(benchDir, '.work'), n, root);
const profDir = join(benchDir, '.work', 'profiles', String(n));
rmSync(profDir, { recursive: true, force: true });
mkdirSync(profDir, { recursive: true });

// Same monotonic clock as V8's profile timestamps (both CLOCK_MONOTONIC on Linux), so times line up.
const spawnedUs = Number(process.hrtime.bigint() / 1000n);
const t0 = performance.now();
const child = spawnSync(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '200', join(root, 'bin', 'rehearse.js'), 'run', '--config', 'rehearse.config.json', '--out', join(benchDir, '.work', 'out', `profile-${n}.json`), '--reporter', 'terminal'],
  { cwd: ws.dir, stdio: ['ignore', 'ignore', 'inherit'] },
);
const wall = performance.now() - t0;
console.log(`rehearse run on ${n} cases under --cpu-prof: ${wall.toFixed(0)} ms wall (profiling inflates it), exit ${child.status}`);

// Functions whose first and last appearance on the stack shows the run's phases on a timeline.
const MILESTONES = ['discoverCaseFiles', 'superviseWorkers', 'loadAgent', 'loadSelectedCases', 'runAll', 'onCaseResult', 'compareRuns', 'writeResults', 'onRunEnd'];
const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
  // Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const thread = file.split('.')[4] === '0' ? 'main thread' : `worker thread ${file.split('.')[4]}`;
  printProfile(profile, `${thread}, started ${((profile.startTime - spawnedUs) / 1000).toFixed(0)} ms after spawn`, { root, top, originUs: spawnedUs, milestones: MILESTONES });
}
if (!argv.includes('--keep')) rmSync(profDir, { recursive: true, force: true });
else console.log(`profiles kept in ${profDir} (open them in Chrome DevTools > Performance)`);
