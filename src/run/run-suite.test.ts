import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CaseResult, RunResults } from '../model/result.js';
import { loadConfig } from '../config/load-config.js';
import { copyFixture, WORKER_URL, type FixtureDir } from '../../test/e2e/fixture-dir.js';
import { runSuite, type RunSuiteOptions } from './run-suite.js';

/*
 * Real runs: the built worker (dist/worker.js) in real worker threads, a real agent module, real case files
 * in a temp copy of test/fixtures/chaos-suite, whose agent misbehaves in every way a case can.
 */

let fixture: FixtureDir;
beforeAll(() => {
  fixture = copyFixture('chaos-suite');
});
afterAll(() => fixture.remove());

async function run(overrides: Partial<RunSuiteOptions> = {}) {
  const loaded = await loadConfig(fixture.dir, undefined, () => {});
  const warnings: string[] = [];
  const seen: CaseResult[] = [];
  const outcome = await runSuite({
    cwd: fixture.dir,
    config: loaded.config,
    agentModule: loaded.agentModule,
    out: join(fixture.dir, 'results.json'),
    workerUrl: WORKER_URL,
    reporter: { onCaseResult: (result) => void seen.push(result) },
    onWarning: (message) => warnings.push(message),
    ...overrides,
  });
  const byId = (id: string): CaseResult => {
    const found = outcome.results.cases.filter((c) => c.id === id);
    if (found.length !== 1) throw new Error(`expected one case "${id}", found ${found.length}`);
    return found[0]!;
  };
  return { ...outcome, byId, warnings, seen };
}

describe('one run where every kind of agent failure happens', () => {
  let outcome: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    outcome = await run();
  }, 20_000);

  test('every case is reported, in file order, and the results file is written', () => {
    const { results, seen } = outcome;
    expect(results.cases.map((c) => c.file)).toEqual(
      ['answer-1-again', 'answer-1', 'answer-2', 'broken', 'exit', 'hang', 'loop', 'network', 'throw'].map((f) => `suites/core/${f}.case.json`),
    );
    expect(seen).toHaveLength(9);
    const written = JSON.parse(readFileSync(join(fixture.dir, 'results.json'), 'utf8')) as RunResults;
    expect(written.cases.map((c) => c.key)).toEqual(results.cases.map((c) => c.key));
    // Passed: answer-2 and the first of the two answer-1 files; the duplicate counts as errored.
    expect(results.totals).toEqual({ cases: 9, passed: 2, failed: 0, diverged: 1, errored: 6 });
  });

  test('good cases pass, with the replayed trajectory', () => {
    const good = outcome.byId('answer-2');
    expect(good.status).toBe('passed');
    expect(good.attempts[0]).toMatchObject({
      status: 'passed',
      output: { reply: 'Order A-1 is shipped.' },
      timeline: [{ type: 'tool', name: 'lookup_order', args: { orderId: 'A-1' }, result: { orderId: 'A-1', status: 'shipped' } }],
    });
  });

  test('an async hang times out with AGENT_TIMEOUT', () => {
    const hang = outcome.byId('hang');
    expect(hang.status).toBe('errored');
    expect(hang.attempts[0]?.error).toEqual({ code: 'AGENT_TIMEOUT', message: 'the agent did not finish within 300 ms (step 1)' });
    expect(hang.attempts[0]?.timeline).toHaveLength(1);
  });

  test('a throw is errored with its stack', () => {
    const thrown = outcome.byId('throw');
    expect(thrown.status).toBe('errored');
    expect(thrown.attempts[0]?.error).toMatchObject({ code: 'AGENT_THREW', name: 'TypeError', message: 'cannot read properties of undefined (reading "status")' });
    expect(thrown.attempts[0]?.error?.stack).toContain('agent.mjs');
  });

  test('process.exit() inside the agent is errored and the run goes on', () => {
    const exit = outcome.byId('exit');
    expect(exit.status).toBe('errored');
    expect(exit.attempts[0]?.error?.message).toBe('the agent called process.exit(3); rehearse turned it into this error so the other cases can run');
  });

  test('a synchronous infinite loop: the worker is stopped, that case is AGENT_HUNG, the others complete', () => {
    const loop = outcome.byId('loop');
    expect(loop.status).toBe('errored');
    expect(loop.attempts).toEqual([]);
    expect(loop.error).toMatchObject({ code: 'AGENT_HUNG', file: 'suites/core/loop.case.json' });
    expect(loop.error?.message).toContain('blocked the event loop for more than 2300 ms');
    // The case was identified from its file even though its worker died: title and outcome are kept.
    expect(loop).toMatchObject({ key: 'core/loop', title: 'behavior loop', captured: 'failed' });
  });

  test('outbound network is blocked and reported as a divergence', () => {
    const network = outcome.byId('network');
    expect(network.status).toBe('diverged');
    expect(network.attempts[0]?.divergence).toMatchObject({ kind: 'blocked-network', target: 'orders.blocked.invalid:80' });
  });

  test('a broken case file is reported with its file and JSON pointer; the others still run', () => {
    const broken = outcome.results.cases.find((c) => c.file === 'suites/core/broken.case.json')!;
    expect(broken.status).toBe('errored');
    expect(broken.error).toMatchObject({ code: 'CASE_INVALID', file: 'suites/core/broken.case.json', pointer: '/assertions/0/pattern' });
    expect(broken.key).toBe('core/broken');
  });

  test('two files with one id in a suite: the later file is CASE_DUPLICATE, naming the first', () => {
    const [first, second] = outcome.results.cases.filter((c) => c.key === 'core/answer-1');
    expect(first?.file).toBe('suites/core/answer-1-again.case.json');
    expect(first?.error).toBeUndefined();
    expect(second?.status).toBe('errored');
    expect(second?.error).toMatchObject({
      code: 'CASE_DUPLICATE',
      file: 'suites/core/answer-1.case.json',
      pointer: '/id',
      message: 'case id "answer-1" is already used by suites/core/answer-1-again.case.json in suite "core"; ids must be unique within a suite',
    });
  });
});

describe('selection, repeats and loading failures', () => {
  test('tags and filters pick cases; --repeat runs each one N times', async () => {
    const { results } = await run({ patterns: ['suites/core/answer-2.case.json', 'suites/core/throw.case.json', 'suites/core/hang.case.json'], selection: { tags: ['answer', 'throw'] }, repeat: 3 });
    expect(results.cases.map((c) => c.id)).toEqual(['answer-2', 'throw']);
    expect(results.repeat).toBe(3);
    for (const c of results.cases) expect(c.attempts).toHaveLength(3);
    expect(results.cases[0]).toMatchObject({ status: 'passed', passes: 3 });

    const filtered = await run({ patterns: ['suites/core'], selection: { filter: '/^core\\/answer-\\d$/' }, out: false });
    // The filter sees keys (suite/id), so both files that declare id answer-1 are kept.
    expect(filtered.results.cases.map((c) => c.file)).toEqual(['suites/core/answer-1-again.case.json', 'suites/core/answer-1.case.json', 'suites/core/answer-2.case.json']);
    const byTitle = await run({ patterns: ['suites/core'], selection: { filter: 'BEHAVIOR THROW' }, out: false });
    expect(byTitle.results.cases.map((c) => c.id)).toEqual(['throw']);
  });

  test('a case file that cannot be read is CASE_UNREADABLE, naming it; the others run, filtered or not', async () => {
    // A dangling link: discovery lists it, reading it fails (the main thread reads case files for the worker).
    mkdirSync(join(fixture.dir, 'suites/unreadable'), { recursive: true });
    symlinkSync(join(fixture.dir, 'nowhere.json'), join(fixture.dir, 'suites/unreadable/gone.case.json'));
    writeFileSync(join(fixture.dir, 'suites/unreadable/fine.case.json'), readFileSync(join(fixture.dir, 'suites/core/answer-2.case.json')));
    for (const selection of [{}, { filter: 'unreadable' }]) {
      const { results } = await run({ patterns: ['suites/unreadable'], selection, out: false });
      expect(results.cases.map((c) => [c.file, c.status])).toEqual([
        ['suites/unreadable/fine.case.json', 'passed'],
        ['suites/unreadable/gone.case.json', 'errored'],
      ]);
      expect(results.cases[1]?.error).toMatchObject({ code: 'CASE_UNREADABLE', file: 'suites/unreadable/gone.case.json', message: expect.stringContaining('ENOENT') });
    }
    rmSync(join(fixture.dir, 'suites/unreadable'), { recursive: true, force: true });
  });

  test('an agent module that fails to load: every case errored with AGENT_LOAD_FAILED', async () => {
    const broken = join(fixture.dir, 'broken-agent.mjs');
    writeFileSync(broken, "import './does-not-exist.mjs';\nexport const agent = () => 1;\n");
    const { results } = await run({ agentModule: broken, patterns: ['suites/core/answer-2.case.json', 'suites/core/throw.case.json'], out: false });
    expect(results.cases).toHaveLength(2);
    for (const c of results.cases) {
      expect(c.status).toBe('errored');
      expect(c.error?.code).toBe('AGENT_LOAD_FAILED');
      expect(c.error?.message).toContain('does-not-exist.mjs');
    }
  });

  test('an agent export that is not a function says what the module does export', async () => {
    const loaded = await loadConfig(fixture.dir, undefined, () => {});
    const { results } = await run({ config: { ...loaded.config, agent: { module: './agent.mjs', export: 'runAgent' } }, patterns: ['suites/core/answer-2.case.json'], out: false });
    expect(results.cases[0]?.error).toMatchObject({ code: 'AGENT_LOAD_FAILED', message: `${join(fixture.dir, 'agent.mjs')}#runAgent is not exported; the module exports agent. Set "agent.export" in the config.` });
    expect(existsSync(join(fixture.dir, 'never-written.json'))).toBe(false);
  });
});

describe('several workers', () => {
  test('the same verdicts when cases are spread over three threads, hangs and crashes included', async () => {
    const single = await run();
    const loaded = await loadConfig(fixture.dir, undefined, () => {});
    const spread = await run({ config: { ...loaded.config, workers: 3 }, minCasesPerWorker: 1 });
    const summary = (r: RunResults) => r.cases.map((c) => [c.key, c.status, c.error?.code ?? c.attempts[0]?.error?.code ?? null]);
    expect(summary(spread.results)).toEqual(summary(single.results));
    expect(spread.seen).toHaveLength(single.seen.length);
    expect(spread.results.totals).toEqual(single.results.totals);
  }, 30_000);

  test('a filter selects across every worker before the first case is reported', async () => {
    const loaded = await loadConfig(fixture.dir, undefined, () => {});
    const order: string[] = [];
    const outcome = await run({
      config: { ...loaded.config, workers: 2 },
      minCasesPerWorker: 1,
      selection: { filter: 'answer' },
      reporter: {
        onRunStart: (info) => void order.push(`start:${info.caseCount}`),
        onCaseResult: (result) => void order.push(result.id),
      },
    });
    expect(order[0]).toBe('start:3');
    expect(order).toHaveLength(4);
    expect(outcome.results.cases.map((c) => c.file)).toEqual(['answer-1-again', 'answer-1', 'answer-2'].map((f) => `suites/core/${f}.case.json`));
  }, 30_000);
});

describe('what a run keeps in memory', () => {
  test('plain passes reach onRunEnd slim; the results file and onCaseResult have every case in full', async () => {
    const own = copyFixture('chaos-suite');
    try {
      const source = JSON.parse(readFileSync(join(own.dir, 'suites/core/answer-2.case.json'), 'utf8')) as Record<string, unknown>;
      mkdirSync(join(own.dir, 'suites/plain'), { recursive: true });
      for (let i = 0; i < 12; i++) {
        // Captured passing and passing now: a plain pass, which no report shows in detail.
        const data = { ...source, id: `pass-${String(i).padStart(2, '0')}`, tags: ['plain'], outcome: { status: 'ok' } };
        writeFileSync(join(own.dir, `suites/plain/pass-${String(i).padStart(2, '0')}.case.json`), JSON.stringify(data));
      }
      const loaded = await loadConfig(own.dir, undefined, () => {});
      const seen: CaseResult[] = [];
      let atEnd: RunResults | undefined;
      const out = join(own.dir, 'results.json');
      await runSuite({
        cwd: own.dir,
        config: loaded.config,
        agentModule: loaded.agentModule,
        patterns: ['suites/plain', 'suites/core/answer-2.case.json', 'suites/core/throw.case.json'],
        out,
        workerUrl: WORKER_URL,
        reporter: { onCaseResult: (result) => void seen.push(result), onRunEnd: ({ results }) => void (atEnd = results) },
        onWarning: () => {},
      });
      const written = readFileSync(out, 'utf8');
      const file = JSON.parse(written) as RunResults;
      expect(file.cases).toHaveLength(14);
      // Every case in full in the file, as onCaseResult saw it, in file order; nothing partial.
      expect(file.partial).toBeUndefined();
      for (const c of file.cases) expect(c).toEqual(seen.find((s) => s.file === c.file));
      expect(file.cases.filter((c) => c.status === 'passed' && c.attempts[0]!.timeline.length === 1 && c.attempts[0]!.output !== undefined)).toHaveLength(13);
      // The document is the envelope with the cases last, as JSON.stringify writes it.
      const { cases, ...envelope } = file;
      expect(written).toBe(`${JSON.stringify({ ...envelope, cases })}\n`);
      // In memory: the twelve plain passes are slim, the fixed and errored cases whole.
      const plain = atEnd!.cases.filter((c) => c.suite === 'plain');
      expect(plain).toHaveLength(12);
      for (const c of plain) {
        expect(c.recordedTrajectory).toBeUndefined();
        expect(c.attempts[0]).toMatchObject({ status: 'passed', timeline: [], assertions: [] });
        expect(c.attempts[0]!.output).toBeUndefined();
      }
      const fixed = atEnd!.cases.find((c) => c.id === 'answer-2')!;
      expect(fixed.attempts[0]!.timeline).toHaveLength(1);
      expect(fixed.recordedTrajectory).toBeDefined();
      expect(atEnd!.totals).toEqual(file.totals);
    } finally {
      own.remove();
    }
  }, 20_000);
});
