/**
 * Test helper (not shipped behaviour): realistic results and comparisons for the report tests. Kept in one
 * place so the markdown, summary, terminal and JUnit tests all describe the same run.
 */
import type {
  AssertionResult,
  AttemptResult,
  CaseResult,
  ComparedCase,
  Comparison,
  Json,
  RunResults,
  TimelineEvent,
  TrajectoryStep,
  Verdict,
} from '../model/index.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/index.js';

export function toolEvent(name: string, args: Json, result: Json = { ok: true }): TimelineEvent {
  return { type: 'tool', name, args, result, durationMs: 1 };
}

export function modelEvent(text: string): TimelineEvent {
  return { type: 'model', model: 'gpt-test', request: { messages: [{ role: 'user', content: 'hi' }] }, response: { text, usage: { inputTokens: 100, outputTokens: 20 } } };
}

export function passedAssertion(name: string, type = 'contains'): AssertionResult {
  return { type, name, pass: true, score: 1, message: `${name} held` };
}

export function failedAssertion(name: string, type: string, message: string, evidence?: Json): AssertionResult {
  return { type, name, pass: false, score: 0, message, ...(evidence === undefined ? {} : { evidence }) };
}

export function attempt(status: AttemptResult['status'], assertions: AssertionResult[], timeline: TimelineEvent[], extra: Partial<AttemptResult> = {}): AttemptResult {
  const passed = assertions.filter((a) => a.pass).length;
  return { status, durationMs: 12, score: assertions.length ? passed / assertions.length : 0, assertions, timeline, ...extra };
}

export interface CaseSpec {
  suite: string;
  id: string;
  title?: string;
  status: CaseResult['status'];
  attempts: AttemptResult[];
  recorded?: TrajectoryStep[];
  error?: CaseResult['error'];
}

export function caseResult(spec: CaseSpec): CaseResult {
  const passes = spec.attempts.filter((a) => a.status === 'passed').length;
  return {
    key: `${spec.suite}/${spec.id}`,
    suite: spec.suite,
    id: spec.id,
    title: spec.title ?? `Case ${spec.id}`,
    tags: [],
    file: `suites/${spec.suite}/${spec.id}.case.json`,
    captured: 'failed',
    ...(spec.recorded ? { recordedTrajectory: spec.recorded } : {}),
    status: spec.status,
    passes,
    attempts: spec.attempts,
    durationMs: spec.attempts.reduce((sum, a) => sum + a.durationMs, 0),
    ...(spec.error ? { error: spec.error } : {}),
  };
}

export function runResults(cases: CaseResult[], extra: Partial<RunResults> = {}): RunResults {
  const count = (s: CaseResult['status']) => cases.filter((c) => c.status === s).length;
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    runId: 'run-0001',
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 4321,
    commit: '0123456789abcdef0123456789abcdef01234567',
    repeat: 3,
    cases,
    totals: {
      cases: cases.length,
      passed: count('passed'),
      failed: count('failed'),
      diverged: count('diverged'),
      errored: count('errored'),
      usage: { inputTokens: 12000, outputTokens: 3456 },
      costUsd: 0.0421,
    },
    ...extra,
  };
}

export function compared(head: CaseResult, verdict: Verdict, reason: string, base?: ComparedCase['base']): ComparedCase {
  return { key: head.key, verdict, reason, head, ...(base ? { base } : {}) };
}

export function comparisonOf(cases: ComparedCase[], against: Comparison['against'] = 'baseline', extra: Partial<RunResults> = {}): Comparison {
  const counts = { fixed: 0, regressed: 0, 'still-failing': 0, passing: 0, flaky: 0, new: 0, removed: 0, errored: 0 } as Record<Verdict, number>;
  for (const c of cases) counts[c.verdict] += 1;
  const heads = cases.flatMap((c) => (c.head ? [c.head] : []));
  return { against, cases, counts, head: runResults(heads, extra) };
}

const refundTrajectory: TrajectoryStep[] = [
  { tool: 'lookup_order', args: { orderId: 'A-1001' } },
  { tool: 'check_policy', args: { kind: 'refund', days: 12 } },
  { tool: 'issue_refund', args: { orderId: 'A-1001', amount: 40 } },
];

/** A run with every class a reviewer cares about: regressions, an errored case, fixes, known failures, passes. */
export function realisticComparison(): Comparison {
  const regressedRefund = caseResult({
    suite: 'refunds',
    id: 'partial-refund',
    title: 'Partial refund for a late delivery',
    status: 'failed',
    recorded: refundTrajectory,
    attempts: [
      attempt(
        'failed',
        [
          passedAssertion('mentions the order'),
          failedAssertion('refund amount', 'tool-args', 'issue_refund args differ: amount expected 40, got 400', {
            expected: { orderId: 'A-1001', amount: 40 },
            actual: { orderId: 'A-1001', amount: 400, note: 'goodwill' },
          }),
        ],
        [modelEvent('Let me look'), toolEvent('lookup_order', { orderId: 'A-1001' }), toolEvent('check_policy', { kind: 'refund', days: 12 }), toolEvent('issue_refund', { orderId: 'A-1001', amount: 400, note: 'goodwill' })],
      ),
      attempt('passed', [passedAssertion('mentions the order'), passedAssertion('refund amount', 'tool-args')], [toolEvent('lookup_order', { orderId: 'A-1001' })]),
      attempt('failed', [failedAssertion('refund amount', 'tool-args', 'issue_refund was not called')], [toolEvent('lookup_order', { orderId: 'A-1001' })]),
    ],
  });
  const regressedSearch = caseResult({
    suite: 'search',
    id: 'typo-query',
    title: 'Search survives a typo',
    status: 'diverged',
    recorded: [
      { tool: 'search', args: { q: 'blue shoes' } },
      { tool: 'rank', args: { top: 3 } },
    ],
    attempts: [
      attempt('diverged', [], [toolEvent('search', { q: 'blue shoes' })], {
        divergence: {
          kind: 'unmatched-tool-call',
          step: 2,
          message: 'no recorded call of "filter" matches its arguments',
          tool: 'filter',
          args: { color: 'navy' },
          nearest: { step: 1, args: { color: 'blue' }, diff: [] },
        },
      }),
    ],
  });
  const errored = caseResult({
    suite: 'search',
    id: 'empty-query',
    title: 'Empty query asks for clarification',
    status: 'errored',
    attempts: [],
    error: { code: 'AGENT_THREW', message: "TypeError: Cannot read properties of undefined (reading 'trim')" },
  });
  const fixed = caseResult({
    suite: 'refunds',
    id: 'double-refund',
    title: 'Does not refund twice',
    status: 'passed',
    recorded: [refundTrajectory[0]!, refundTrajectory[2]!, refundTrajectory[2]!],
    attempts: [
      attempt('passed', [passedAssertion('single refund', 'max-tool-calls')], [toolEvent('lookup_order', { orderId: 'A-1001' }), toolEvent('issue_refund', { orderId: 'A-1001', amount: 40 })]),
      attempt('passed', [passedAssertion('single refund', 'max-tool-calls')], [toolEvent('lookup_order', { orderId: 'A-1001' }), toolEvent('issue_refund', { orderId: 'A-1001', amount: 40 })]),
    ],
  });
  const stillFailing = caseResult({
    suite: 'tone',
    id: 'apology',
    title: 'Apologises once, not three times',
    status: 'failed',
    attempts: [attempt('failed', [failedAssertion('no grovelling', 'not-contains', 'output contains "sorry" 3 times', 'I am so sorry, sorry, sorry')], [modelEvent('sorry')])],
  });
  const passing = caseResult({ suite: 'tone', id: 'greeting', status: 'passed', attempts: [attempt('passed', [passedAssertion('greets')], [])] });
  return comparisonOf([
    compared(fixed, 'fixed', 'passed 2/2 on head, 0/2 on base', { status: 'failed', passes: 0, runs: 2 }),
    compared(regressedRefund, 'regressed', 'passed 1/3 on head, 3/3 on base (p = 0.05)', { status: 'passed', passes: 3, runs: 3 }),
    compared(stillFailing, 'still-failing', 'failed on head and base'),
    compared(errored, 'errored', 'the agent threw before any assertion ran'),
    compared(passing, 'passing', 'passed on head and base'),
    compared(regressedSearch, 'regressed', 'diverged on head, passed on base', { status: 'passed', passes: 1, runs: 1 }),
  ]);
}

/** `total` cases of which `regressions` regressed (each with a long failing assertion and a trajectory), the rest passing. */
export function largeComparison(total: number, regressions: number): Comparison {
  const cases: ComparedCase[] = [];
  for (let i = 0; i < total; i++) {
    const id = `case-${String(i).padStart(4, '0')}`;
    if (i < regressions) {
      const head = caseResult({
        suite: `suite-${i % 7}`,
        id,
        title: `Regression number ${i} with a reasonably long descriptive title`,
        status: 'failed',
        recorded: [
          { tool: 'lookup', args: { id: i } },
          { tool: 'act', args: { id: i, amount: 10 } },
        ],
        attempts: [
          attempt(
            'failed',
            [failedAssertion('amount', 'tool-args', `expected amount 10 but got ${i * 10}: ${'detail '.repeat(40)}`, { expected: { amount: 10 }, actual: { amount: i * 10 } })],
            [toolEvent('lookup', { id: i }), toolEvent('act', { id: i, amount: i * 10 })],
          ),
        ],
      });
      cases.push(compared(head, 'regressed', 'failed 0/1 on head, passed 1/1 on base', { status: 'passed', passes: 1, runs: 1 }));
    } else {
      const head = caseResult({ suite: `suite-${i % 7}`, id, status: 'passed', attempts: [attempt('passed', [passedAssertion('ok')], [])] });
      cases.push(compared(head, 'passing', 'passed on head and base'));
    }
  }
  return comparisonOf(cases);
}

const DRIFT_MESSAGE =
  'model call #1 was answered with the recorded answer of step 0, but its request changed (messages differ from message 1 …): this replays the old answer, it does not test the new prompt';

/**
 * A run with model calls: a fix and a pass answered with drift (the pass repeated, drifting at the same step
 * each time), a regression that spent tokens and money with cache hits, and totals with cache savings.
 */
export function modelCallComparison(): Comparison {
  const driftedFix = caseResult({
    suite: 'refunds',
    id: 'prompt-fix',
    title: 'New prompt stops the double refund',
    status: 'passed',
    attempts: [
      attempt('passed', [passedAssertion('single refund', 'max-tool-calls')], [modelEvent('ok')], {
        usage: { inputTokens: 100, outputTokens: 20 },
        drift: [
          { step: 0, message: DRIFT_MESSAGE },
          { step: 2, message: 'model call #2 was answered with the recorded answer of step 2, but its request changed (tools differ)' },
        ],
      }),
    ],
  });
  const driftedPass = caseResult({
    suite: 'tone',
    id: 'polite',
    title: 'Stays polite',
    status: 'passed',
    attempts: [0, 1].map(() =>
      attempt('passed', [passedAssertion('polite')], [modelEvent('hello')], { usage: { inputTokens: 50, outputTokens: 10 }, drift: [{ step: 0, message: DRIFT_MESSAGE }] }),
    ),
  });
  const spending = caseResult({
    suite: 'search',
    id: 'ranked',
    title: 'Ranks in-stock items first',
    status: 'failed',
    attempts: [
      attempt('failed', [failedAssertion('in stock first', 'contains', 'output lacks "in stock"')], [modelEvent('x')], {
        usage: { inputTokens: 1200, outputTokens: 300 },
        costUsd: 0.0031,
        cache: { hits: 3, misses: 1, savedUsd: 0.0093 },
      }),
    ],
  });
  const clean = caseResult({ suite: 'tone', id: 'greeting', status: 'passed', attempts: [attempt('passed', [passedAssertion('greets')], [])] });
  return comparisonOf(
    [
      compared(driftedFix, 'fixed', 'passes, failed on base', { status: 'failed', passes: 0, runs: 1 }),
      compared(spending, 'regressed', 'fails, passed on base', { status: 'passed', passes: 1, runs: 1 }),
      compared(driftedPass, 'passing', 'passes 2/2, passed on base'),
      compared(clean, 'passing', 'passes, passed on base'),
    ],
    'baseline',
    { repeat: 1, totals: { cases: 4, passed: 3, failed: 1, diverged: 0, errored: 0, usage: { inputTokens: 1400, outputTokens: 340 }, costUsd: 0.0031, cacheSavedUsd: 0.0093 } },
  );
}
