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

const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
  // Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
  const thread = file.split('.')[4] === '0' ? 'main thread' : `worker thread ${file.split('.')[4]}`;
  summarise(profile, thread);
}
if (!argv.includes('--keep')) rmSync(profDir, { recursive: true, force: true });
else console.log(`profiles kept in ${profDir} (open them in Chrome DevTools > Performance)`);

function summarise(profile, thread) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const selfUs = new Map();
  const first = new Map();
  const last = new Map();
  let now = profile.startTime;
  const total = profile.endTime - profile.startTime;
  profile.samples.forEach((id, i) => {
    now += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    // Milestones: every function on the stack of this sample was running at `now`.
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = frameKey(byId.get(at).callFrame);
      if (!first.has(key)) first.set(key, now);
      last.set(key, now);
    }
  });
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    const key = frameKey(frame);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const fileKey = shortUrl(frame.url) || `(${frame.functionName || 'native'})`;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const idle = byFunction.get('(idle)') ?? 0;
  console.log(`\n== ${thread}: ${(total / 1000).toFixed(0)} ms profiled, started ${((profile.startTime - spawnedUs) / 1000).toFixed(0)} ms after spawn, ${(idle / 1000).toFixed(0)} ms idle`);
  console.log(`-- self time by file`);
  for (const [key, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  console.log(`-- self time by function (top ${top})`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
  console.log(`-- milestones (ms after spawn: first .. last sample seen on the stack)`);
  const milestones = ['discoverCaseFiles', 'superviseWorkers', 'loadSelectedCases', 'loadCaseFile', 'runAll', 'runCase', 'onCaseResult', 'compareRuns', 'writeResults', 'onRunEnd', 'loadAgent'];
  for (const [key, at] of [...first].sort((a, b) => a[1] - b[1])) {
    if (!milestones.some((m) => key.startsWith(`${m} `))) continue;
    console.log(`${((at - spawnedUs) / 1000).toFixed(0).padStart(6)} .. ${((last.get(key) - spawnedUs) / 1000).toFixed(0).padStart(6)}  ${key}`);
  }
}

function frameKey(frame) {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url) {
  return url.replace(/^file:\/\//, '').replace(root + '/', '').replace(/^node:/, 'node:');
}
