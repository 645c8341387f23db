/**
 * Small phrase builders for verdict reasons. Kept apart from the rules so the rules read as rules.
 * Every reason is one sentence a reviewer reads in a PR comment, so numbers are short and messages clipped.
 */
import type { CaseResult } from '../model/result.js';
import type { SideSummary } from '../model/comparison.js';
import type { CapturedStatus } from '../model/case.js';

/** How one side of a case came out once thresholds are applied. */
export type SideOutcome = 'pass' | 'fail' | 'flaky' | 'diverged' | 'errored';

/** Longest quoted message inside a reason; longer ones are clipped with an ellipsis. */
const MAX_MESSAGE = 120;

/**
 * A p-value as a reviewer reads it: two significant digits ("0.26", "0.004", "0.048"), "< 0.001" below that.
 * @example formatP(1 / 252) // "0.004"
 */
export function formatP(p: number): string {
  if (p < 0.001) return '< 0.001';
  return `= ${trimZeros(p.toPrecision(2))}`;
}

/** A plain number without trailing zeros: 0.8 → "0.8", 1 → "1", 0.050 → "0.05". */
export function formatNumber(n: number): string {
  return trimZeros(String(Number(n.toPrecision(6))));
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}

/** "5/5" when there were repeats, else nothing: one run needs no fraction. */
function fraction(side: SideSummary): string {
  return side.runs > 1 ? ` ${side.passes}/${side.runs}` : '';
}

/** The head side in the present tense: "passes", "fails", "passes 3/5", "diverges at step 2 (...)". */
export function headText(head: CaseResult, side: SideSummary, outcome: SideOutcome): string {
  switch (outcome) {
    case 'errored':
      return `errors (${describeError(head)})`;
    case 'diverged':
      return `diverges${describeDivergence(head)}`;
    case 'pass':
      return `passes${fraction(side)}`;
    case 'fail':
      return side.runs > 1 ? `passes ${side.passes}/${side.runs}` : 'fails';
    case 'flaky':
      return `passes ${side.passes}/${side.runs}`;
  }
}

/** The base side in the past tense: "passed", "failed", "passed 1/5", "diverged", "errored". */
export function baseText(side: SideSummary, outcome: SideOutcome): string {
  switch (outcome) {
    case 'errored':
      return 'errored';
    case 'diverged':
      return 'diverged';
    case 'pass':
      return `passed${fraction(side)}`;
    case 'fail':
      return side.runs > 1 ? `passed ${side.passes}/${side.runs}` : 'failed';
    case 'flaky':
      return `passed ${side.passes}/${side.runs}`;
  }
}

/** Counts alone, for "3/5 on head vs 1/5 on base". */
export function counts(side: SideSummary): string {
  return `${side.passes}/${side.runs}`;
}

/** A captured outcome as an adjective: "failing", "erroring", "passing". */
export function capturedWord(status: CapturedStatus): string {
  return status === 'ok' ? 'passing' : status === 'failed' ? 'failing' : 'erroring';
}

/** "AGENT_TIMEOUT: timed out after 30000 ms", from the case's own error or its first errored attempt. */
export function describeError(head: CaseResult): string {
  const error = head.error ?? head.attempts.find((attempt) => attempt.error)?.error;
  if (!error) return 'no error was recorded';
  return `${error.code}: ${clip(firstLine(error.message))}`;
}

/** " at step 3 (no recorded call to search matches ...)", from the first diverged attempt. */
export function describeDivergence(head: CaseResult): string {
  const divergence = head.attempts.find((attempt) => attempt.divergence)?.divergence;
  if (!divergence) return '';
  return ` at step ${divergence.step} (${clip(firstLine(divergence.message))})`;
}

/** The name of the first assertion that said no, for a regression's reason. */
export function firstFailedAssertion(head: CaseResult): string | undefined {
  for (const attempt of head.attempts) {
    const failed = attempt.assertions.find((assertion) => !assertion.pass);
    if (failed) return failed.name;
  }
  return undefined;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).trim();
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
