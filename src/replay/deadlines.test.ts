import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { armDeadline } from './deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('armDeadline', () => {
  it('fires each deadline once, in order, and not before its time', async () => {
    const fired: [string, number][] = [];
    const start = performance.now();
    armDeadline(60, () => fired.push(['late', performance.now() - start]));
    armDeadline(20, () => fired.push(['early', performance.now() - start]));
    armDeadline(40, () => fired.push(['middle', performance.now() - start]));
    await sleep(120);
    expect(fired.map(([name]) => name)).toEqual(['early', 'middle', 'late']);
    expect(fired[0]![1]).toBeGreaterThanOrEqual(19);
    expect(fired[1]![1]).toBeGreaterThanOrEqual(39);
    expect(fired[2]![1]).toBeGreaterThanOrEqual(59);
  });

  it('a disarmed deadline never fires, the others still do', async () => {
    const fired: string[] = [];
    const disarmA = armDeadline(10, () => fired.push('a'));
    armDeadline(30, () => fired.push('b'));
    disarmA();
    await sleep(60);
    expect(fired).toEqual(['b']);
  });

  it('a deadline armed from a firing one is scheduled too', async () => {
    const fired: string[] = [];
    armDeadline(10, () => {
      fired.push('first');
      armDeadline(10, () => fired.push('second'));
    });
    await sleep(80);
    expect(fired).toEqual(['first', 'second']);
  });

  it('holds the process open while a deadline is pending, and no longer once every one is disarmed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-deadlines-'));
    try {
      const { build } = await import('esbuild');
      const bundled = join(dir, 'deadlines.mjs');
      await build({ entryPoints: [fileURLToPath(new URL('./deadlines.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: bundled, logLevel: 'error' });
      const run = (body: string) => {
        const script = join(dir, `s${Math.random().toString(36).slice(2)}.mjs`);
        writeFileSync(script, `import { armDeadline } from ${JSON.stringify(pathToFileURL(bundled).href)};\n${body}\n`);
        const started = performance.now();
        const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
        return { stdout: child.stdout, ms: performance.now() - started, timedOut: child.error !== undefined };
      };
      // Disarmed after many short cases: the process ends at once, not when the 15 s deadline would have.
      const quick = run(`for (let i = 0; i < 100; i++) armDeadline(15000, () => console.log('fired'))();`);
      expect(quick.timedOut).toBe(false);
      expect(quick.stdout).toBe('');
      expect(quick.ms).toBeLessThan(10_000);
      // Pending, with nothing else keeping the process alive (an agent awaiting forever): it still fires.
      const pending = run(`armDeadline(15000, () => {})(); armDeadline(300, () => console.log('fired'));`);
      expect(pending.stdout).toBe('fired\n');
      // A later deadline re-uses the earlier timer (held open again), which then re-arms for it.
      const later = run(`armDeadline(50, () => {})(); armDeadline(400, () => console.log('fired later'));`);
      expect(later.stdout).toBe('fired later\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
