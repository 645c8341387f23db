import type { Case } from '../model/case.js';
import type { CaseResult, ErrorInfo, TrajectoryStep } from '../model/result.js';

/*
 * The parts of a case result that do not need replay or scoring. Kept apart from run-case.ts so the main
 * thread, which only builds results for cases whose worker died, does not load replay and scoring at start-up.
 */

/** Where a case sits: its suite (folder name), key and display path. */
export interface CaseIdentity {
  suite: string;
  key: string;
  /** Relative to the working directory, forward slashes. */
  file: string;
}

/** The result of a case that could not be loaded or run: errored, with the reason. */
export function erroredCaseResult(identity: CaseIdentity, error: ErrorInfo, data?: Case): CaseResult {
  const result = baseResult(identity, data);
  result.error = error;
  return result;
}

export function baseResult(identity: CaseIdentity, data: Case | undefined): CaseResult {
  const result: CaseResult = {
    key: identity.key,
    suite: identity.suite,
    id: data?.id ?? identity.key.slice(identity.suite.length + 1),
    title: data?.title ?? identity.key,
    tags: data?.tags ?? [],
    file: identity.file,
    status: 'errored',
    passes: 0,
    attempts: [],
    durationMs: 0,
  };
  if (data) {
    result.captured = data.outcome.status;
    if (data.outcome.failure) result.capturedFailureStep = data.outcome.failure.atStep;
    result.recordedTrajectory = recordedTrajectory(data);
  }
  return result;
}

function recordedTrajectory(data: Case): TrajectoryStep[] {
  const steps: TrajectoryStep[] = [];
  for (const event of data.timeline) {
    if (event.type !== 'tool') continue;
    const step: TrajectoryStep = { tool: event.name, args: event.args };
    if (event.error) step.failed = true;
    steps.push(step);
  }
  return steps;
}
