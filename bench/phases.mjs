#!/usr/bin/env node
// Times each phase of a run separately, in one thread, with rehearse's own source (bundled here from
// src/ by esbuild, so nothing in src/ needs instrumenting): discovery, reading, validation, replay and
// scoring, the worker -> main hand-off, the terminal reporter, comparison, and writing the results file.
// Each phase's first pass over the cases is what a real run pays (cold JIT), so each repetition is a
// fresh process and the figure is the median of those.
//
//   node bench/phases.mjs [N=5000] [--reps 3] [--profile "replay"]
// --profile TEXT records a CPU profile of the phases whose name contains TEXT (one extra process) and
// prints its self time by function.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureWorkspace } from './generate.mjs';
import { median } from './measure.mjs';
import { printProfile } from './profile-summary.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');
const work = join(benchDir, '.work');
const libFile = join(work, 'phases-lib.mjs');


/** Parts of the load phase, each timed cold in a process of its own. */
const BREAKDOWNS = [
  'discover: one pattern suites/**/*.case.json',
  'discover: readdirSync(withFileTypes), not recursive',
  'read: readFileSync + JSON.parse (the floor)',
  'validate: generated ajv validator only',
  'validate: checkCase (version + ajv + semantic + side files)',
];

async function parent() {
  const argv = process.argv.slice(2);
  const n = Number(argv.find((a) => /^\d+$/.test(a)) ?? 5000);
  const repsAt = argv.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 3;
  const ws = ensureWorkspace(work, n, root);
  await buildLibrary();
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ws.dir, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (out.status !== 0) throw new Error(`phases child failed with ${out.status}`);
    runs.push(JSON.parse(out.stdout));
  }
  const profileAt = argv.indexOf('--profile');
  if (profileAt >= 0) {
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ws.dir, String(n)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, REHEARSE_BENCH_PROFILE: argv[profileAt + 1] },
    });
    const { profile } = JSON.parse(out.stdout);
    printProfile(profile, `phases matching "${argv[profileAt + 1]}"`, { root, top: 30 });
    return;
  }
  for (const only of BREAKDOWNS) {
    for (let i = 0; i < reps; i++) {
      const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ws.dir, String(n)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, REHEARSE_BENCH_ONLY: only },
      });
      if (out.status !== 0) throw new Error(`phases child (${only}) failed with ${out.status}`);
      runs[i] = { ...runs[i], [`cold, own process: ${only}`]: JSON.parse(out.stdout)[only] };
    }
  }
  console.log(`phases of a run over ${n.toLocaleString('en')} cases, one thread, median of ${reps} fresh processes`);
  console.log(`  wall ms     cpu ms   cpu us/case  phase`);
  for (const name of Object.keys(runs[0])) {
    const wall = median(runs.map((r) => r[name].wall));
    const cpu = median(runs.map((r) => r[name].cpu));
    console.log(`${wall.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(10)} ${((cpu * 1000) / n).toFixed(1).padStart(13)}  ${name}`);
  }
}

/** Bundles the functions the phases call, straight from src/, into one ESM file. */
async function buildLibrary() {
  const esbuild = await import('esbuild');
  const src = (p) => JSON.stringify(join(root, 'src', p));
  mkdirSync(work, { recursive: true });
  await esbuild.build({
    stdin: {
      contents: [
        `export { discoverCaseFiles, DEFAULT_CASE_PATTERNS, displayPath, suiteOf } from ${src('case/discover.ts')};`,
        `export { loadCaseFile, checkCase } from ${src('case/load-case.ts')};`,
        `export { default as validateCase } from ${src('case/generated/validate-case.js')};`,
        `export { runCase } from ${src('run/run-case.ts')};`,
        `export { identify } from ${src('run/case-identity.ts')};`,
        `export { totalsOf } from ${src('run/totals.ts')};`,
        `export { compareRuns } from ${src('compare/compare.ts')};`,
        `export { createTerminalReporter } from ${src('report/terminal.ts')};`,
        `export { writeResults } from ${src('report/results-file.ts')};`,
        `export { installNetworkGuard } from ${src('replay/network-guard.ts')};`,
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    outfile: libFile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

async function child(dir, n) {
  const times = {};
  const profileWanted = process.env.REHEARSE_BENCH_PROFILE;
  let session;
  if (profileWanted) {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
  }
  const profiles = [];
  const time = async (name, fn) => {
    const profiling = session && name.includes(profileWanted);
    if (profiling) await session.post('Profiler.start');
    const t = performance.now();
    const cpu = process.cpuUsage();
    const value = await fn();
    // CPU time of this (single-threaded) process moves far less than wall time when the machine is busy.
    const used = process.cpuUsage(cpu);
    times[name] = { wall: performance.now() - t, cpu: (used.user + used.system) / 1000 };
    if (profiling) profiles.push((await session.post('Profiler.stop')).profile);
    return value;
  };
  const lib = await time('import rehearse modules (bundled from src, one file)', () => import(pathToFileURL(libFile).href));
  const { agent } = await time('import the agent (+ dist/index.js)', () => import(pathToFileURL(join(dir, 'agent.mjs')).href));
  const { readFileSync } = await import('node:fs');
  const only = process.env.REHEARSE_BENCH_ONLY;

  if (only) {
    // A breakdown, measured cold in its own process: only what it needs is done first, untimed.
    const paths = await lib.discoverCaseFiles(['suites/**/*.case.json'], dir);
    const refs = paths.map((path) => ({ path, display: lib.displayPath(path, dir), suite: lib.suiteOf(path) }));
    const parsed = only.startsWith('validate') ? refs.map((ref) => JSON.parse(readFileSync(ref.path, 'utf8'))) : [];
    const breakdowns = {
      'discover: one pattern suites/**/*.case.json': () => lib.discoverCaseFiles(['suites/**/*.case.json'], dir),
      'discover: readdirSync(withFileTypes), not recursive': () => readdirFlat(join(dir, 'suites')),
      'read: readFileSync + JSON.parse (the floor)': () => {
        for (const ref of refs) JSON.parse(readFileSync(ref.path, 'utf8'));
      },
      'validate: generated ajv validator only': () => {
        for (const data of parsed) if (!lib.validateCase(data)) throw new Error('invalid');
      },
      'validate: checkCase (version + ajv + semantic + side files)': () => {
        for (let i = 0; i < refs.length; i++) if (!lib.checkCase(parsed[i], refs[i].path, refs[i].display).ok) throw new Error('invalid');
      },
    };
    await time(only, breakdowns[only]);
    process.stdout.write(JSON.stringify(session ? { profile: mergeProfiles(profiles) } : times));
    return;
  }

  // The phases in the order a run goes through them, each paid cold, as a run pays it.
  await time('discover: default patterns (3 recursive listings)', () => lib.discoverCaseFiles(lib.DEFAULT_CASE_PATTERNS, dir));
  const paths = await lib.discoverCaseFiles(['suites/**/*.case.json'], dir);
  const refs = await time('discover: file refs (displayPath + suiteOf per file)', () => paths.map((path) => ({ path, display: lib.displayPath(path, dir), suite: lib.suiteOf(path) })));
  if (refs.length !== n) throw new Error(`found ${refs.length} cases, expected ${n}`);
  const loaded = await time('load: loadCaseFile (read + parse + validate), as the worker does', async () => {
    const out = [];
    for (const ref of refs) out.push(await lib.loadCaseFile(ref.path, ref.display));
    return out;
  });

  lib.installNetworkGuard({ allowHosts: [] });
  const settings = { timeoutMs: 30_000, repeat: 1 };
  const results = await time('replay + score: runCase, 8 lanes as the worker runs them', async () => {
    const out = new Array(loaded.length);
    let next = 0;
    const lane = async () => {
      while (next < loaded.length) {
        const i = next++;
        out[i] = await lib.runCase(loaded[i], lib.identify(refs[i], loaded[i].data), agent, settings);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    return out;
  });
  if (results.some((r) => r.status !== 'passed')) throw new Error('a case did not pass');

  // The hand-off: the worker posts batches of 256 results; the main thread receives and unpacks them.
  const { MessageChannel } = await import('node:worker_threads');
  const handOff = (name, pack, count) =>
    time(name, async () => {
      const { port1, port2 } = new MessageChannel();
      let received = 0;
      const done = new Promise((resolve) => {
        port2.on('message', (message) => {
          received += count(message);
          if (received === results.length) resolve();
        });
      });
      for (let i = 0; i < results.length; i += 256) port1.postMessage(pack(results.slice(i, i + 256), i));
      await done;
      port1.close();
    });
  await handOff('hand-off: postMessage of result objects, batches of 256', (batch, i) => ({ type: 'results', results: batch.map((result, j) => ({ index: i + j, result })) }), (m) => m.results.length);

  const cases = results;
  const runResults = { format: 'rehearse.results', version: 1, runId: 'bench', startedAt: new Date().toISOString(), durationMs: 0, repeat: 1, cases, totals: lib.totalsOf(cases) };
  const comparison = await time('compare: compareRuns (each case against its captured outcome)', () => lib.compareRuns(runResults, undefined, {}));
  await time('report: terminal reporter, every case + summary, to a null stream', async () => {
    const reporter = lib.createTerminalReporter({ stream: { write: () => true, isTTY: false }, color: false });
    reporter.onRunStart({ caseCount: cases.length, repeat: 1, concurrency: 8, cwd: dir });
    for (const result of cases) await reporter.onCaseResult(result);
    await reporter.onRunEnd({ results: runResults, comparison });
  });
  const out = join(dir, '..', 'out', `phases-${n}.json`);
  await time('write: writeResults (JSON.stringify + write + rename)', () => lib.writeResults(out, runResults));
  // Alternatives, measured after the real phases (so warm: they understate a cold cost a little).
  await handOff('alternative (warm): postMessage of JSON text per case', (batch) => batch.map((r) => JSON.stringify(r)), (m) => m.length);
  await time('alternative (warm): JSON.stringify of the results only', () => JSON.stringify(runResults));
  if (session) {
    process.stdout.write(JSON.stringify({ profile: mergeProfiles(profiles) }));
    return;
  }
  process.stdout.write(JSON.stringify(times));
}

/** Lists `*.case.json` under a folder without `recursive: true` (which runs path.relative per entry on Node 20). */
async function readdirFlat(dir) {
  const { readdirSync } = await import('node:fs');
  const out = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(join(at, entry.name));
      } else if (entry.name.endsWith('.case.json')) out.push(join(at, entry.name));
    }
  };
  walk(dir);
  return out;
}

/** Several phases' profiles as one (node ids renumbered so they do not collide). */
function mergeProfiles(profiles) {
  if (profiles.length === 0) throw new Error(`no phase name contains "${process.env.REHEARSE_BENCH_PROFILE}"`);
  const merged = { nodes: [], samples: [], timeDeltas: [], startTime: profiles[0].startTime, endTime: profiles[0].startTime };
  let offset = 0;
  for (const p of profiles) {
    for (const node of p.nodes) merged.nodes.push({ ...node, id: node.id + offset, children: (node.children ?? []).map((c) => c + offset) });
    merged.samples.push(...p.samples.map((s) => s + offset));
    merged.timeDeltas.push(...p.timeDeltas);
    merged.endTime += p.endTime - p.startTime;
    offset += Math.max(...p.nodes.map((node) => node.id));
  }
  return merged;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  await parent();
}
