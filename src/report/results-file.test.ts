import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RESULTS_VERSION } from '../model/index.js';
import { realisticComparison } from './comparison-fixture.js';
import { createJsonReporter } from './json.js';
import { readResults, ResultsFileError, upgradeResults, writeResults, writeResultsText, type ResultsUpgrade } from './results-file.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'rehearse-results-'));

/** What version 0 looked like in this synthetic history: `name` instead of `key`, `ok` instead of status. */
const v0 = {
  format: 'rehearse.results',
  version: 0,
  runId: 'old-run',
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 10,
  repeat: 1,
  cases: [{ name: 'refunds/a', ok: true, runs: 1 }],
};

const syntheticUpgrades: Record<number, ResultsUpgrade> = {
  0: (doc) => {
    const cases = (doc.cases as { name: string; ok: boolean; runs: number }[]).map((c) => {
      const [suite = '', id = ''] = c.name.split('/');
      return { key: c.name, suite, id, title: id, tags: [], file: `suites/${c.name}.case.json`, status: c.ok ? 'passed' : 'failed', passes: c.ok ? c.runs : 0, attempts: [], durationMs: 0 };
    });
    return { ...doc, cases, totals: { cases: cases.length, passed: cases.filter((c) => c.status === 'passed').length, failed: 0, diverged: 0, errored: 0 } };
  },
};

describe('results file', () => {
  test('round-trips through an atomic write, creating folders and leaving no temp file', () => {
    const dir = tempDir();
    const path = join(dir, 'nested/deeper/results.json');
    const results = realisticComparison().head;
    writeResults(path, results);
    expect(readResults(path)).toEqual(results);
    expect(readdirSync(join(dir, 'nested/deeper'))).toEqual(['results.json']);
    writeResults(path, results, { pretty: true });
    expect(readFileSync(path, 'utf8')).toContain('\n  "format": "rehearse.results",');
    // Already serialized text (the run's worker serializes cases once) goes through the same atomic write.
    writeResultsText(path, JSON.stringify(results));
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(results)}\n`);
    expect(readdirSync(join(dir, 'nested/deeper'))).toEqual(['results.json']);
  });

  test('a failed write leaves the previous file intact', () => {
    const dir = tempDir();
    const path = join(dir, 'results.json');
    const results = realisticComparison().head;
    writeResults(path, results);
    const circular = { ...results } as Record<string, unknown>;
    circular.self = circular;
    expect(() => writeResults(path, circular as never)).toThrow(/results\.json: cannot write the results file/);
    expect(readResults(path)).toEqual(results);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  test('an older version is upgraded step by step', () => {
    const dir = tempDir();
    const path = join(dir, 'old.json');
    writeFileSync(path, JSON.stringify(v0));
    const upgraded = readResults(path, { upgrades: syntheticUpgrades, latest: 1 });
    expect(upgraded.version).toBe(1);
    expect(upgraded.cases[0]).toMatchObject({ key: 'refunds/a', suite: 'refunds', id: 'a', status: 'passed', passes: 1 });
    expect(upgraded.totals.passed).toBe(1);
    // The real chain has no step from 0: the message says so, naming the file.
    expect(() => readResults(path)).toThrow(`${path}: results format version 0 can no longer be read (oldest upgradable: ${RESULTS_VERSION})`);
  });

  test('a step that throws is reported with the versions involved', () => {
    expect(() => upgradeResults(v0, 'x.json', { upgrades: { 0: () => { throw new Error('bad shape'); } }, latest: 1 })).toThrow('x.json: could not upgrade from version 0 to 1: bad shape');
  });

  test('a newer version is refused with the file, the version found and the newest supported', () => {
    const dir = tempDir();
    const path = join(dir, 'future.json');
    writeFileSync(path, JSON.stringify({ ...realisticComparison().head, version: RESULTS_VERSION + 1 }));
    let error: unknown;
    try {
      readResults(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResultsFileError);
    expect((error as ResultsFileError).code).toBe('RESULTS_VERSION_UNSUPPORTED');
    expect((error as Error).message).toBe(
      `${path}: results format version ${RESULTS_VERSION + 1} is newer than this rehearse supports (newest: ${RESULTS_VERSION}); upgrade rehearse to read it`,
    );
  });

  test('a wrong format, bad JSON, a missing file and a broken shape are refused with context', () => {
    const dir = tempDir();
    const wrong = join(dir, 'case.json');
    writeFileSync(wrong, JSON.stringify({ format: 'rehearse.case', version: 1 }));
    expect(() => readResults(wrong)).toThrow(`${wrong}: is not a rehearse results file: "format" is "rehearse.case", expected "rehearse.results"`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": ');
    expect(() => readResults(bad)).toThrow(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is not valid JSON`));
    expect(() => readResults(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot be read \(ENOENT\)/);
    const broken = join(dir, 'broken.json');
    const results = realisticComparison().head;
    writeFileSync(broken, JSON.stringify({ ...results, cases: [{ ...results.cases[0], status: 'great', key: 3 }] }));
    expect(() => readResults(broken)).toThrow(/\/cases\/0\/key: must be a string\n {2}\/cases\/0\/status: must be one of/);
  });

  test('the json reporter writes the results file under the run cwd', async () => {
    const dir = tempDir();
    const comparison = realisticComparison();
    const reporter = createJsonReporter({ outputFile: 'out/results.json' });
    await reporter.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await reporter.onRunEnd?.({ results: comparison.head, comparison });
    expect(existsSync(join(dir, 'out/results.json'))).toBe(true);
    expect(readResults(join(dir, 'out/results.json'))).toEqual(comparison.head);
  });

  test('given the run\'s results file, the json reporter copies it byte for byte, not the results in memory', async () => {
    const dir = tempDir();
    const comparison = realisticComparison();
    // The run's file has every case in full; the results in memory may hold slim copies (here: no cases).
    const runFile = join(dir, 'run-results.json');
    writeResultsText(runFile, JSON.stringify(comparison.head));
    const slim = { ...comparison.head, cases: [] };
    const reporter = createJsonReporter({ outputFile: 'copy.json' });
    await reporter.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await reporter.onRunEnd?.({ results: slim, comparison, resultsPath: runFile });
    expect(readFileSync(join(dir, 'copy.json'), 'utf8')).toBe(readFileSync(runFile, 'utf8'));
    const pretty = createJsonReporter({ outputFile: 'pretty.json', pretty: true });
    await pretty.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await pretty.onRunEnd?.({ results: slim, comparison, resultsPath: runFile });
    expect(readFileSync(join(dir, 'pretty.json'), 'utf8')).toBe(`${JSON.stringify(comparison.head, null, 2)}\n`);
    // Its own output file named as the run's: left as it is.
    const same = createJsonReporter({ outputFile: 'run-results.json' });
    await same.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await same.onRunEnd?.({ results: slim, comparison, resultsPath: runFile });
    expect(readResults(runFile)).toEqual(comparison.head);
    expect(readdirSync(dir).sort()).toEqual(['copy.json', 'pretty.json', 'run-results.json']);
  });
});
