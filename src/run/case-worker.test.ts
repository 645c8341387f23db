import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { PrestartedWorker, sendJob } from './case-worker.js';
import type { WorkerJob } from './protocol.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearse-case-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the case worker: waits for its job and echoes the job's cwd back. */
const echoWorker = join(dir, 'echo-worker.mjs');
writeFileSync(
  echoWorker,
  `import { parentPort } from 'node:worker_threads';
parentPort.once('message', (m) => parentPort.postMessage({ type: m.type, cwd: m.job.cwd, shared: m.job.watch instanceof SharedArrayBuffer }));`,
);
const crashingWorker = join(dir, 'crashing-worker.mjs');
writeFileSync(crashingWorker, `throw new Error('boom at boot');`);

const job = (cwd: string): WorkerJob => ({
  cwd,
  agentModule: '/nowhere/agent.mjs',
  agentExport: 'default',
  files: [],
  indices: [],
  concurrency: 1,
  timeoutMs: 1000,
  repeat: 1,
  allowHosts: [],
  selection: {},
  watch: new SharedArrayBuffer(8),
});

describe('PrestartedWorker', () => {
  it('hands over a booted worker that receives its job as the first message', async () => {
    const prestarted = new PrestartedWorker(pathToFileURL(echoWorker));
    const worker = prestarted.take();
    expect(worker).toBeDefined();
    sendJob(worker!, job('/some/where'));
    const [reply] = await once(worker!, 'message');
    expect(reply).toEqual({ type: 'job', cwd: '/some/where', shared: true });
    expect(prestarted.take()).toBeUndefined(); // only once
    await worker!.terminate();
  });

  it('is not handed over when it died while waiting (the run then starts a fresh one)', async () => {
    const prestarted = new PrestartedWorker(pathToFileURL(crashingWorker));
    expect(prestarted.usable).toBe(true);
    // Its crash is no unhandled 'error' event (the test process would fail); it just makes the worker unusable.
    for (let waited = 0; prestarted.usable && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(prestarted.usable).toBe(false);
    expect(prestarted.take()).toBeUndefined();
  });

  it('does not keep the process alive when the run never takes it (a config error ends the CLI early)', async () => {
    // The real module, bundled to plain JS for a child process (Node 20 cannot run TypeScript).
    const bundled = join(dir, 'case-worker.mjs');
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(process.cwd(), 'src/run/case-worker.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundled, logLevel: 'error' });
    const script = join(dir, 'never-taken.mjs');
    writeFileSync(
      script,
      `import { PrestartedWorker } from ${JSON.stringify(pathToFileURL(bundled).href)};
const w = new PrestartedWorker(new URL(${JSON.stringify(pathToFileURL(echoWorker).href)}));
if (!w.usable) process.exit(3);
`,
    );
    // The worker waits forever for a job; the process must still exit on its own, well before the timeout.
    const out = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 15_000 });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe(0);
  });
});
