import { describe, expect, test } from 'vitest';
import type { Reporter, RunEndInfo } from '../model/index.js';
import { realisticComparison } from './comparison-fixture.js';
import { createReporterMultiplexer } from './multiplexer.js';

function recorder(log: string[], name: string): Reporter {
  return {
    onRunStart: () => void log.push(`${name}:start`),
    onCaseResult: async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.push(`${name}:case:${r.key}`);
    },
    onRunEnd: () => void log.push(`${name}:end`),
  };
}

const comparison = realisticComparison();
const end: RunEndInfo = { results: comparison.head, comparison };
const start = { caseCount: 1, repeat: 1, concurrency: 1, cwd: '/tmp' };

describe('createReporterMultiplexer', () => {
  test('calls each hook on each reporter in order, awaiting each', async () => {
    const log: string[] = [];
    const mux = createReporterMultiplexer([
      { name: 'a', reporter: recorder(log, 'a') },
      { name: 'empty', reporter: {} },
      { name: 'b', reporter: recorder(log, 'b') },
    ]);
    await mux.onRunStart(start);
    await mux.onCaseResult(comparison.head.cases[0]!);
    await mux.onRunEnd(end);
    const key = comparison.head.cases[0]!.key;
    expect(log).toEqual(['a:start', 'b:start', `a:case:${key}`, `b:case:${key}`, 'a:end', 'b:end']);
    expect(mux.failures).toEqual([]);
  });

  test('a throwing or rejecting reporter is recorded and noted, and the others still run', async () => {
    const log: string[] = [];
    const notices: string[] = [];
    const boom = new Error('disk full\nsecond line');
    const mux = createReporterMultiplexer(
      [
        { name: 'thrower', reporter: { onRunStart: () => { throw boom; }, onRunEnd: async () => { throw new Error('late'); } } },
        { name: 'b', reporter: recorder(log, 'b') },
        { name: 'rejecter', reporter: { onCaseResult: () => Promise.reject('not an error') } },
        { name: 'c', reporter: recorder(log, 'c') },
      ],
      { stderr: { write: (s: string) => notices.push(s) } },
    );
    await mux.onRunStart(start);
    await mux.onCaseResult(comparison.head.cases[0]!);
    await mux.onRunEnd(end);
    expect(log.filter((l) => l.endsWith(':start') || l.endsWith(':end'))).toEqual(['b:start', 'c:start', 'b:end', 'c:end']);
    expect(log.filter((l) => l.includes(':case:'))).toHaveLength(2);
    expect(mux.failures.map((f) => [f.reporter, f.hook])).toEqual([
      ['thrower', 'onRunStart'],
      ['rejecter', 'onCaseResult'],
      ['thrower', 'onRunEnd'],
    ]);
    expect(mux.failures[0]!.error).toBe(boom);
    expect(notices).toEqual([
      'rehearse: reporter "thrower" failed in onRunStart: disk full\n',
      'rehearse: reporter "rejecter" failed in onCaseResult: not an error\n',
      'rehearse: reporter "thrower" failed in onRunEnd: late\n',
    ]);
  });

  test('stays synchronous while every reporter is', () => {
    const log: string[] = [];
    const mux = createReporterMultiplexer([{ name: 'sync', reporter: { onCaseResult: (r) => void log.push(r.key) } }]);
    const returned = mux.onCaseResult(comparison.head.cases[0]!);
    expect(returned).toBeUndefined();
    expect(log).toHaveLength(1);
  });
});
