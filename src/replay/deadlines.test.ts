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
});
