// How the benchmark measures a command: whole-process wall time from the parent (performance.now() around
// spawnSync, so Node's start-up and exit are included), and peak RSS from /usr/bin/time when it exists,
// else from the child's own process.resourceUsage().maxRSS (a worker thread lives in the same process, so
// either covers it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const RSS_PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/** The children's environment: the parent's, minus anything that would change how Node starts. */
function childEnv(extra = {}) {
  const env = { ...process.env, NO_COLOR: '1', ...extra };
  delete env.NODE_OPTIONS;
  delete env.FORCE_COLOR;
  return env;
}

/**
 * Runs `node ...args` once and returns its wall time in ms.
 * @param {{ args: string[], cwd?: string, stdout?: 'ignore' | 'pipe', env?: Record<string, string> }} subject
 */
export function timeOnce(subject) {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const child = spawnSync(process.execPath, subject.args, {
    cwd: subject.cwd,
    stdio: ['ignore', subject.stdout ?? 'ignore', 'pipe'],
    env: childEnv(subject.env),
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { ms, cpuMs, status: child.status, signal: child.signal, stdout: child.stdout?.toString() ?? '', stderr: child.stderr.toString() };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux (getconf CLK_TCK)

/**
 * CPU time (user + system) of this process's finished children, from /proc/self/stat (Linux only). Its
 * resolution is one tick (10 ms), so it is only meaningful averaged over runs; it is kept because on a
 * shared machine CPU time moves far less with other people's load than wall time does.
 */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state); cutime and cstime are fields 16 and 17.
    return (Number(fields[16 - 3]) + Number(fields[17 - 3])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Runs `node ...args` once and returns its peak resident set size in bytes (undefined if unmeasurable). */
export function peakRss(subject) {
  if (existsSync(GNU_TIME)) {
    const child = spawnSync(GNU_TIME, ['-f', 'BENCH_MAXRSS_KB=%M', process.execPath, ...subject.args], {
      cwd: subject.cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: childEnv(subject.env),
      maxBuffer: 64 * 1024 * 1024,
    });
    const match = /BENCH_MAXRSS_KB=(\d+)/.exec(child.stderr.toString());
    if (match) return Number(match[1]) * 1024;
  }
  // Fallback: a preload that writes maxRSS (KiB) to a file when the process exits.
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-bench-'));
  const file = join(dir, 'rss');
  try {
    spawnSync(process.execPath, ['--import', RSS_PROBE, ...subject.args], {
      cwd: subject.cwd,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: childEnv({ ...subject.env, REHEARSE_BENCH_RSS_FILE: file }),
    });
    return existsSync(file) ? Number(readFileSync(file, 'utf8')) * 1024 : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times every subject `k` times (its own `k` wins), interleaved round by round so that a burst of load
 * from other work on the machine spreads over all subjects instead of skewing one of them.
 * Each subject gets one untimed warm-up run first (page cache, and its `check`).
 * @returns {Map<string, { ms: number[], cpuMs: number[] }>}
 */
export function timeInterleaved(subjects, onProgress = () => {}) {
  const samples = new Map(subjects.map((s) => [s.name, { ms: [], cpuMs: [] }]));
  for (const s of subjects) {
    const warm = timeOnce(s);
    s.check?.(warm);
    onProgress(`warm-up ${s.name}`);
  }
  const rounds = Math.max(...subjects.map((s) => s.k));
  for (let round = 0; round < rounds; round++) {
    for (const s of subjects) {
      if (round >= s.k) continue;
      const run = timeOnce(s);
      if (run.status !== s.expectStatus && s.expectStatus !== undefined) {
        throw new Error(`${s.name}: exit code ${run.status} (expected ${s.expectStatus})\n${run.stderr.slice(-2000)}`);
      }
      samples.get(s.name).ms.push(run.ms);
      if (run.cpuMs !== undefined) samples.get(s.name).cpuMs.push(run.cpuMs);
    }
    onProgress(`round ${round + 1}/${rounds}`);
  }
  return samples;
}
