/**
 * Builders for results files, for the tests in this folder only. They go through `summarizeAttempts`, so a
 * case's status and pass count are what the runner would write.
 */
import type { CapturedStatus } from '../model/case.js';
import type { AttemptResult, AttemptStatus, CaseResult, ErrorCode, ErrorInfo, RunResults } from '../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/result.js';
import { summarizeAttempts } from './summarize.js';

const LETTERS: Record<string, AttemptStatus> = { P: 'passed', F: 'failed', D: 'diverged', E: 'errored' };

/** One attempt. Failed attempts carry a failing assertion named "answer mentions refund". */
export function attempt(status: AttemptStatus, error: ErrorCode = 'AGENT_THREW'): AttemptResult {
  const pass = status === 'passed';
  const ran = status === 'passed' || status === 'failed';
  return {
    status,
    durationMs: 3,
    score: pass ? 1 : 0,
    assertions: ran
      ? [
          { type: 'trajectory', name: 'calls lookup first', pass: true, score: 1, message: 'lookup was called first' },
          { type: 'contains', name: 'answer mentions refund', pass, score: pass ? 1 : 0, message: 'expected "refund"' },
        ]
      : [],
    timeline: [],
    ...(status === 'errored' ? { error: { code: error, message: `${error.toLowerCase()} in step 2\n    at agent.ts:10` } } : {}),
    ...(status === 'diverged'
      ? { divergence: { kind: 'unmatched-tool-call' as const, step: 3, message: 'no recorded call to search matches {"q":"refund"}', tool: 'search' } }
      : {}),
  };
}

export interface CaseOptions {
  captured?: CapturedStatus;
  /** Error code for errored attempts. */
  errorCode?: ErrorCode;
  /** A case-level error: the case never ran (attempts are ignored). */
  loadError?: ErrorInfo;
}

/**
 * A case from a string of attempt letters: P passed, F failed, D diverged, E errored.
 * @example caseResult('support/refund', 'PPF', { captured: 'failed' })
 */
export function caseResult(key: string, letters: string, options: CaseOptions = {}): CaseResult {
  const attempts = options.loadError
    ? []
    : [...letters].map((letter) => {
        const status = LETTERS[letter];
        if (!status) throw new Error(`caseResult(${key}): unknown attempt letter ${letter}; use P, F, D or E`);
        return attempt(status, options.errorCode);
      });
  const { status, passes } = summarizeAttempts(attempts);
  const [suite = '', id = ''] = key.split('/');
  return {
    key,
    suite,
    id,
    title: `case ${id}`,
    tags: [],
    file: `suites/${key}.case.json`,
    ...(options.captured ? { captured: options.captured } : {}),
    status,
    passes,
    attempts,
    durationMs: attempts.length * 3,
    ...(options.loadError ? { error: options.loadError } : {}),
  };
}

/** A results file holding these cases. */
export function run(cases: CaseResult[], extra: Partial<RunResults> = {}): RunResults {
  const count = (status: string) => cases.filter((c) => c.status === status).length;
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    runId: 'run-1',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10,
    repeat: Math.max(1, ...cases.map((c) => c.attempts.length)),
    cases,
    totals: {
      cases: cases.length,
      passed: count('passed'),
      failed: count('failed'),
      diverged: count('diverged'),
      errored: count('errored'),
    },
    ...extra,
  };
}
