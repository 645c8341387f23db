/**
 * The verdict for one case: classify each side by its pass rate, then apply the rules written out in
 * docs/verdicts.md (and in `compare.ts`). Pure; no I/O.
 */
import type { CapturedStatus } from '../model/case.js';
import type { ComparedCase, SideSummary } from '../model/comparison.js';
import type { CaseResult, ErrorCode, Verdict } from '../model/result.js';
import {
  type SideOutcome,
  baseText,
  capturedWord,
  counts,
  describeDivergence,
  describeError,
  firstFailedAssertion,
  formatNumber,
  formatP,
  headText,
} from './phrases.js';
import { fisherExactOneSided } from './stats.js';

export type { SideOutcome } from './phrases.js';

/** Thresholds and significance, resolved and checked (see `resolveSettings` in compare.ts). */
export interface CompareSettings {
  /** A side passes when its pass rate is at least this. */
  pass: number;
  /** A side fails when its pass rate is at most this. */
  fail: number;
  /** A fix or regression across repeats must have a one-sided exact p-value at most this. */
  significance: number;
}

/** What head is judged against: the baseline's record of the case, or the case's own captured outcome. */
export type Reference =
  | { kind: 'base'; side: SideSummary }
  | { kind: 'captured'; status: CapturedStatus | undefined; isNew: boolean };

/**
 * Errors that are the agent's own doing. When the reference errored too, such an error reproduces a known
 * crash (still failing) rather than a broken run (errored); see rule 1 in docs/verdicts.md.
 */
const AGENT_CRASH_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AGENT_THREW',
  'AGENT_TIMEOUT',
  'AGENT_HUNG',
  'AGENT_CRASHED',
]);

/** p-values at exactly the significance level count (0/3 → 3/3 has p = 1/20); allow for rounding. */
const P_TOLERANCE = 1e-9;

/**
 * One side's outcome: `errored` / `diverged` by status (no attempt reached the assertions); otherwise by
 * pass rate r = passes / runs: `pass` when r >= settings.pass, `fail` when r <= settings.fail, else `flaky`.
 */
export function classifySide(side: SideSummary, settings: CompareSettings): SideOutcome {
  if (side.status === 'errored') return 'errored';
  if (side.status === 'diverged') return 'diverged';
  if (side.runs === 0) return side.status === 'passed' ? 'pass' : 'fail';
  const rate = side.passes / side.runs;
  if (rate >= settings.pass) return 'pass';
  if (rate <= settings.fail) return 'fail';
  return 'flaky';
}

/** The verdict and reason for a case that ran on head. */
export function judgeCase(
  head: CaseResult,
  headSide: SideSummary,
  reference: Reference,
  settings: CompareSettings,
): ComparedCase {
  const outcome = classifySide(headSide, settings);
  return reference.kind === 'base'
    ? judgeAgainstBase(head, headSide, outcome, reference.side, settings)
    : judgeAgainstCaptured(head, headSide, outcome, reference, settings);
}

/** The verdict for a case the baseline has and head does not. */
export function judgeRemoved(
  key: string,
  base: SideSummary,
  settings: CompareSettings,
  headRun: { partial?: boolean; shard?: string },
): ComparedCase {
  const there = baseText(base, classifySide(base, settings));
  let why = 'deleted, renamed or not selected on head';
  if (headRun.shard) why = `not in head shard ${headRun.shard}; merge the shards before comparing`;
  else if (headRun.partial) why = 'the head run was interrupted before it got there';
  return { key, verdict: 'removed', reason: `only in the base run (${there} there): ${why}`, base };
}

function judgeAgainstBase(
  head: CaseResult,
  hs: SideSummary,
  h: SideOutcome,
  bs: SideSummary,
  settings: CompareSettings,
): ComparedCase {
  const b = classifySide(bs, settings);
  const make = (verdict: Verdict, reason: string, pValue?: number): ComparedCase => {
    const compared: ComparedCase = { key: head.key, verdict, reason, head, base: bs };
    if (pValue !== undefined) compared.pValue = pValue;
    return compared;
  };
  const onHead = `${headText(head, hs, h)} on head`;
  const onBase = `${baseText(bs, b)} on base`;

  if (h === 'errored') {
    if (b === 'errored' && isAgentCrash(head)) return make('still-failing', `${onHead}, and errored on base too`);
    return make('errored', `${onHead}; ${onBase}`);
  }
  if (h === 'diverged') {
    if (b === 'pass' || b === 'flaky') {
      return make('errored', `${onHead} where it ${baseText(bs, b)} on base: ${RECAPTURE}`);
    }
    return make('still-failing', `${onHead} and ${onBase}`);
  }
  if (h === 'flaky' || b === 'flaky') return judgeFlaky(head, hs, h, bs, b, settings);
  if (h === 'pass' && b === 'pass') return make('passing', `${onHead} and ${onBase}`);
  if (h === 'fail' && b !== 'pass') return make('still-failing', `${onHead} and ${onBase}`);

  // A candidate fix (head passes; base failed, diverged or errored) or regression (head fails, base passed).
  const verdict: Verdict = h === 'pass' ? 'fixed' : 'regressed';
  const assertion = verdict === 'regressed' ? firstFailedAssertion(head) : undefined;
  const detail = assertion === undefined ? '' : ` (first failed assertion: "${assertion}")`;
  if (hs.runs > 1 && bs.runs > 1) {
    const p = fisherExactOneSided(hs.passes, hs.runs, bs.passes, bs.runs, verdict === 'fixed' ? 'greater' : 'less');
    if (!isSignificant(p, settings)) return make('flaky', notSignificant(hs, bs, p, settings), p);
    return make(verdict, `${onHead} and ${onBase} (p ${formatP(p)})${detail}`, p);
  }
  return make(verdict, `${onHead} and ${onBase}${detail}`);
}

/** Either side passes only sometimes. With repeats on both sides the reason carries the exact test. */
function judgeFlaky(
  head: CaseResult,
  hs: SideSummary,
  h: SideOutcome,
  bs: SideSummary,
  b: SideOutcome,
  settings: CompareSettings,
): ComparedCase {
  const who = h === 'flaky' && b === 'flaky' ? 'both sides are' : h === 'flaky' ? 'head is' : 'base is';
  const between = `${who} ${thresholdsPhrase(settings)}`;
  const headRate = hs.passes * bs.runs;
  const baseRate = bs.passes * hs.runs;
  const make = (reason: string, pValue?: number): ComparedCase => {
    const compared: ComparedCase = { key: head.key, verdict: 'flaky', reason, head, base: bs };
    if (pValue !== undefined) compared.pValue = pValue;
    return compared;
  };
  if (hs.runs > 1 && bs.runs > 1 && headRate !== baseRate) {
    const better = headRate > baseRate;
    const p = fisherExactOneSided(hs.passes, hs.runs, bs.passes, bs.runs, better ? 'greater' : 'less');
    if (!isSignificant(p, settings)) return make(notSignificant(hs, bs, p, settings), p);
    const change = better ? 'better' : 'worse';
    return make(`${counts(hs)} on head vs ${counts(bs)} on base (p ${formatP(p)}): really ${change}, but ${between}`, p);
  }
  return make(`${headText(head, hs, h)} on head and ${baseText(bs, b)} on base: ${between}`);
}

function judgeAgainstCaptured(
  head: CaseResult,
  hs: SideSummary,
  h: SideOutcome,
  reference: { status: CapturedStatus | undefined; isNew: boolean },
  settings: CompareSettings,
): ComparedCase {
  const { status, isNew } = reference;
  // A new case is reported as `new` whatever its judgement, except a head that errored: that must stay loud.
  const make = (verdict: Verdict, reason: string): ComparedCase => ({
    key: head.key,
    verdict: isNew && verdict !== 'errored' ? 'new' : verdict,
    reason: isNew ? `new: ${reason}` : reason,
    head,
  });
  const thresholds = thresholdsPhrase(settings);
  const fails = `fails${hs.runs > 1 ? ` (${counts(hs)})` : ''}`;

  if (status === undefined) {
    // Nothing to judge against: report head on its own terms and say so.
    const alone = `${headText(head, hs, h)}; no captured outcome to judge it against`;
    if (h === 'errored') return make('errored', alone);
    if (isNew) return make('new', alone);
    if (h === 'pass') return make('passing', alone);
    if (h === 'flaky') return make('flaky', `passes ${counts(hs)}, ${thresholds}; no captured outcome to judge it against`);
    return make('still-failing', alone);
  }

  const was = `captured ${capturedWord(status)}`;
  const passedBefore = status === 'ok';
  switch (h) {
    case 'errored':
      if (status === 'errored' && isAgentCrash(head)) return make('still-failing', `${was}, still errors (${describeError(head)})`);
      return make('errored', `${was}, now errors (${describeError(head)})`);
    case 'diverged':
      if (passedBefore) return make('errored', `${was}, now diverges${describeDivergence(head)}: ${RECAPTURE}`);
      return make('still-failing', `${was}, still not passing: diverges${describeDivergence(head)}`);
    case 'flaky':
      return make('flaky', `${was}, now passes ${counts(hs)}, ${thresholds}`);
    case 'pass':
      return make(passedBefore ? 'passing' : 'fixed', `${was}, ${passedBefore ? 'still' : 'now'} ${headText(head, hs, h)}`);
    case 'fail': {
      if (!passedBefore) return make('still-failing', `${was}, still ${fails}`);
      const assertion = firstFailedAssertion(head);
      const detail = assertion === undefined ? '' : ` (first failed assertion: "${assertion}")`;
      return make('regressed', `${was}, now ${fails}${detail}`);
    }
  }
}

const RECAPTURE = 'the recording cannot answer the new call; re-capture the case if the change is intended';

/** Settings phrases, formatted once per settings object rather than once per case. */
const PHRASES = new WeakMap<CompareSettings, { thresholds: string; significance: string }>();
function phrasesFor(settings: CompareSettings): { thresholds: string; significance: string } {
  let phrases = PHRASES.get(settings);
  if (phrases === undefined) {
    phrases = {
      thresholds: `between the fail (${formatNumber(settings.fail)}) and pass (${formatNumber(settings.pass)}) thresholds`,
      significance: formatNumber(settings.significance),
    };
    PHRASES.set(settings, phrases);
  }
  return phrases;
}

/** "between the fail (0) and pass (1) thresholds" */
function thresholdsPhrase(settings: CompareSettings): string {
  return phrasesFor(settings).thresholds;
}

function notSignificant(hs: SideSummary, bs: SideSummary, p: number, settings: CompareSettings): string {
  return `${counts(hs)} on head vs ${counts(bs)} on base: p ${formatP(p)}, not significant at ${phrasesFor(settings).significance}; run more repeats`;
}

function isSignificant(p: number, settings: CompareSettings): boolean {
  return p <= settings.significance * (1 + P_TOLERANCE);
}

/** True when every error on head is the agent's own crash (threw, timed out, hung, died), not a broken setup. */
function isAgentCrash(head: CaseResult): boolean {
  if (head.error) return AGENT_CRASH_CODES.has(head.error.code);
  const errored = head.attempts.filter((attempt) => attempt.status === 'errored');
  return errored.length > 0 && errored.every((attempt) => attempt.error !== undefined && AGENT_CRASH_CODES.has(attempt.error.code));
}
