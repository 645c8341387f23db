#!/usr/bin/env node
// Sharding figures: `rehearse run --shard i/4` on 1,000 and 10,000 cases beside the unsharded run and the
// plain-Node floor, all timed in this run. On four machines a sharded run takes as long as its slowest
// shard, then `rehearse merge` joins the four results files; both are reported.
// Usage: node bench/shards.mjs [--json]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWorkspace } from './generate.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const root = join(benchDir, '..');
const work = join(benchDir, '.work');
const cli = join(root, 'bin', 'rehearse.js');
const asJson = process.argv.includes('--json');
const SHARDS = 4;
const K = 3;

const rows = [];
for (const n of [1_000, 10_000]) {
  const ws = ensureWorkspace(work, n, root);
  const out = (name) => join(work, 'out', `shards-${n}-${name}.json`);
  const floor = median(() => run([join(benchDir, 'floor.mjs'), ws.dir], ws.dir));
  const whole = median(() => run([cli, 'run', '--out', out('whole'), '--reporter', 'terminal', '--run-group', 'bench'], ws.dir));
  const shards = [];
  for (let i = 1; i <= SHARDS; i++) {
    shards.push(median(() => run([cli, 'run', '--shard', `${i}/${SHARDS}`, '--out', out(`shard-${i}`), '--reporter', 'terminal', '--run-group', 'bench'], ws.dir)));
  }
  const merge = median(() => run([cli, 'merge', ...Array.from({ length: SHARDS }, (_, i) => out(`shard-${i + 1}`)), '--out', out('merged')], ws.dir));
  const slowest = Math.max(...shards);
  rows.push({ cases: n, floorMs: floor, wholeMs: whole, shardMs: shards, slowestShardMs: slowest, mergeMs: merge, perCaseUs: ((whole - floor) / n) * 1000, wholeVsFloor: whole / floor, shardedVsWhole: (slowest + merge) / whole });
}

if (asJson) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(`cases     floor    1 shard (whole)   ${SHARDS} shards: each                       slowest + merge   (whole-floor)/case  x floor`);
  for (const r of rows) {
    console.log(
      `${String(r.cases).padStart(6)}  ${ms(r.floorMs)}  ${ms(r.wholeMs)}          ${r.shardMs.map(ms).join(' ')}   ${ms(r.slowestShardMs)} + ${ms(r.mergeMs)}   ${r.perCaseUs.toFixed(0).padStart(6)} us   ${r.wholeVsFloor.toFixed(2)}x`,
    );
  }
  console.log(`(median of ${K}; ${SHARDS} shards on ${SHARDS} machines take the slowest shard plus a merge; the harness cost per case is the whole run minus the floor, over the cases)`);
}

function run(argv, cwd) {
  const started = performance.now();
  const child = spawnSync(process.execPath, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.status !== 0) throw new Error(`${argv.join(' ')} exited ${child.status}: ${child.stderr}`);
  return performance.now() - started;
}

function median(fn) {
  const times = Array.from({ length: K }, fn).sort((a, b) => a - b);
  return times[Math.floor(K / 2)];
}

function ms(value) {
  return `${Math.round(value)} ms`.padStart(8);
}
