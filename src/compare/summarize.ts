import type { AttemptResult, AttemptStatus, CaseResult } from '../model/result.js';
import type { SideSummary } from '../model/comparison.js';

/**
 * The overall status of a case from its attempts. The rules, first match wins:
 *
 * 1. No attempts → `errored` (the case never ran; the runner sets `CaseResult.error` to say why).
 * 2. Every attempt passed → `passed`.
 * 3. At least one attempt passed, not all → `failed`, with `passes` saying how many did. A case that only
 *    passes sometimes is not passing; whether it is "flaky" is the comparison's call (pass-rate thresholds),
 *    not this one's.
 * 4. None passed, at least one `failed` → `failed`: some attempt reached the assertions and they said no,
 *    which is the most informative thing we know, even if other attempts diverged or errored.
 * 5. None passed or failed, at least one `diverged` → `diverged`: the agent got far enough to make a call
 *    the recording cannot answer, which says more than a crash in a sibling attempt.
 * 6. Otherwise (every attempt errored) → `errored`.
 *
 * So `errored` and `diverged` mean no attempt got as far as the assertions, and `passes` is then 0.
 */
export function summarizeAttempts(attempts: readonly AttemptResult[]): { status: AttemptStatus; passes: number } {
  let passes = 0;
  let failed = 0;
  let diverged = 0;
  for (const attempt of attempts) {
    if (attempt.status === 'passed') passes++;
    else if (attempt.status === 'failed') failed++;
    else if (attempt.status === 'diverged') diverged++;
  }
  if (attempts.length === 0) return { status: 'errored', passes: 0 };
  if (passes === attempts.length) return { status: 'passed', passes };
  if (passes > 0 || failed > 0) return { status: 'failed', passes };
  if (diverged > 0) return { status: 'diverged', passes: 0 };
  return { status: 'errored', passes: 0 };
}

/**
 * One side of a comparison reduced to status, passes and runs.
 *
 * `runs` is the number of attempts. When a results file carries no attempts (trimmed to save space, or a
 * case that failed to load), runs falls back to: 0 for a case with an `error` (it never ran), otherwise
 * the run's `repeat` (at least `passes`, at least 1), so a trimmed baseline still compares.
 */
export function summarizeSide(result: CaseResult, repeat = 1): SideSummary {
  const attempts = result.attempts.length;
  let runs = attempts;
  if (attempts === 0) runs = result.error ? 0 : Math.max(repeat, result.passes, 1);
  // Clamp: a hand-edited file must not yield a pass rate above 1.
  const passes = Math.min(Math.max(0, result.passes), runs);
  return { status: result.status, passes, runs };
}
