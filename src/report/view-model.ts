import type { AssertionResult, CaseResult, ComparedCase, Comparison, Verdict } from '../model/index.js';
import { compactJson, truncate } from './escape.js';
import { formatDuration, formatPassRate, formatRepeatStats, formatUsage } from './format.js';
import { caseDrift, countDriftCases, hasDrift, DRIFT_EXPLANATION, formatCacheSaved, formatCaseUsage } from './model-usage.js';
import { changesFromChangeset, diffFromEvidence, diffJson, formatChanges } from './json-diff.js';
import { trajectoryFlowchart } from './mermaid.js';
import { compareTrajectories, describeDeparture, representativeAttempt, type TrajectoryComparison } from './trajectory.js';
import { countVerdicts, formatHeadline, REPORT_VERDICT_ORDER, sortByVerdict, VERDICT_PHRASE, VERDICT_TITLE } from './verdicts.js';

/*
 * The plain data a comment or summary template lays out. Every string here is RAW: untrusted text is
 * escaped by the template helpers (`md`, `code`, `fence`, `link`, `mermaid`), never here, so a user's own
 * template gets the same escaping by using the same helpers. Values are already cut to a sensible length.
 */

export interface CountView {
  verdict: Verdict;
  title: string;
  phrase: string;
  count: number;
}

export interface CaseRowView {
  key: string;
  title: string;
  suite: string;
  verdict: Verdict;
  verdictTitle: string;
  /** Link to the case file at the head commit; absent without `repoUrl` and `sha`. */
  url?: string;
  passRate: string;
  /** Pass rate on the baseline, when there was one. */
  basePassRate?: string;
  /** "step 3: called refund instead of lookup_order", or absent when the replay followed the recording. */
  departure?: string;
  /**
   * Set when a model call was answered with drift (the recorded answer replayed for a changed prompt): the
   * first entry, "step 0: model call #1 was answered …". Such a pass did not test the new prompt.
   */
  drift?: string;
}

export interface AssertionView {
  name: string;
  type: string;
  message: string;
  /** Compact JSON of the evidence (absent when a diff says it better). */
  evidence?: string;
  /** Lines for a ```diff block: expected (-) vs actual (+). */
  diff?: string;
}

export interface CaseDetailsView extends CaseRowView {
  file: string;
  reason: string;
  assertions: AssertionView[];
  /** `AGENT_THREW: boom` and the like. */
  error?: string;
  /** Why the replay could not go on, and a diff of the nearest recorded call's arguments. */
  divergence?: { message: string; diff?: string };
  /** Mermaid flowchart source (labels already sanitized), absent without a recorded trajectory. */
  flowchart?: string;
  /** With repeats: pass rate, Wilson 95% interval and pass^k of the head (and the base, when known). */
  repeatStats?: string;
  /** Every drift entry of the case (at most 5), each "step N: message"; see `CaseRowView.drift`. */
  driftSteps?: string[];
  /** Drift entries beyond those in `driftSteps`. */
  driftMore?: number;
  /** `1,234 tokens · $0.0012 · cache 3 hits, 1 miss, saved $0.0040`, when the attempts reported any. */
  modelUsage?: string;
  reproduce: string;
}

export interface ReportView {
  /** The hidden first line; absent in the job summary. */
  marker?: string;
  /** `regressed` when something broke, `failing` when only known failures remain, `ok` otherwise. */
  status: 'regressed' | 'failing' | 'ok';
  headline: string;
  against: Comparison['against'];
  counts: CountView[];
  regressions: CaseRowView[];
  /** Rows cut from `regressions` to fit the size budget. */
  regressionsMore: number;
  fixes: CaseRowView[];
  fixesMore: number;
  details: CaseDetailsView[];
  /** Cases whose details were cut to fit the size budget. */
  detailsOmitted: number;
  /** Where a reader finds what the size budget cut: "the job summary or the results artifact". */
  moreIn: string;
  /** Cases with a model call answered with drift; their passes did not test the changed prompt. */
  driftCases: number;
  /** What drift means, for the warning and the footnote of the ⚠️ marks. */
  driftExplanation: string;
  footer: {
    cases: number;
    passed: number;
    failed: number;
    diverged: number;
    errored: number;
    duration: string;
    usage?: string;
    /** `cache saved $0.0123`, when the response cache saved anything. */
    cacheSaved?: string;
    commit?: string;
    partial: boolean;
    reproduce: string[];
  };
}

export interface ViewOptions {
  /** `https://github.com/owner/repo`: with `sha`, case titles link to the case file. */
  repoUrl?: string;
  sha?: string;
  marker?: string;
  /** Where a reader finds what the size budget cut. @default 'the results file' */
  moreIn?: string;
  /** Longest value (title, message, evidence) before it is cut. @default 600 */
  maxValueLength?: number;
}

/**
 * Classes whose cases get a collapsible details block, most important first (the budget drops from the end).
 * A passing case (or a new one that passes) gets one only when it drifted: its pass needs explaining.
 */
const DETAIL_CLASSES: readonly Verdict[] = ['regressed', 'errored', 'fixed', 'still-failing', 'flaky', 'new', 'passing'];

/** Turns a comparison into the plain view a template renders. Pure. */
export function buildReportView(comparison: Comparison, options: ViewOptions = {}): ReportView {
  const max = options.maxValueLength ?? 600;
  const counts = countVerdicts(comparison.cases);
  const sorted = sortByVerdict(comparison.cases);
  const link = caseLinker(options.repoUrl, options.sha);
  // Rows and trajectories are computed once per case and shared by the tables and the details.
  const trajectories = new Map<ComparedCase, TrajectoryComparison | undefined>();
  const trajectoryOf = (c: ComparedCase): TrajectoryComparison | undefined => {
    if (!trajectories.has(c)) trajectories.set(c, c.head ? compareTrajectories(c.head) : undefined);
    return trajectories.get(c);
  };
  const rows = new Map<ComparedCase, CaseRowView>();
  const row = (c: ComparedCase): CaseRowView => {
    let r = rows.get(c);
    if (!r) rows.set(c, (r = buildRow(c, trajectoryOf(c), link, max)));
    return r;
  };
  const details: CaseDetailsView[] = [];
  for (const verdict of DETAIL_CLASSES) {
    for (const c of sorted) {
      if (c.verdict !== verdict || !c.head) continue;
      if ((verdict === 'new' && c.head.status === 'passed') || verdict === 'passing') {
        if (!hasDrift(c.head)) continue; // checked before row(): a row of each of 5,000 passes would cost a trajectory comparison each
      }
      details.push(buildDetails(c, c.head, row(c), trajectoryOf(c), max));
    }
  }
  const totals = comparison.head.totals;
  const reproduceFrom = details.find((d) => d.verdict === 'regressed' || d.verdict === 'errored') ?? details[0];
  return {
    ...(options.marker !== undefined ? { marker: options.marker } : {}),
    status: counts.regressed + counts.errored > 0 ? 'regressed' : counts['still-failing'] + counts.flaky > 0 ? 'failing' : 'ok',
    headline: formatHeadline(counts),
    against: comparison.against,
    counts: REPORT_VERDICT_ORDER.filter((v) => counts[v] > 0).map((v) => ({ verdict: v, title: VERDICT_TITLE[v], phrase: VERDICT_PHRASE[v], count: counts[v] })),
    regressions: sorted.filter((c) => c.verdict === 'regressed' || c.verdict === 'errored').map(row),
    regressionsMore: 0,
    fixes: sorted.filter((c) => c.verdict === 'fixed').map(row),
    fixesMore: 0,
    details,
    detailsOmitted: 0,
    moreIn: options.moreIn ?? 'the results file',
    driftCases: countDriftCases(comparison.cases.map((c) => c.head)),
    driftExplanation: DRIFT_EXPLANATION,
    footer: {
      cases: totals.cases,
      passed: totals.passed,
      failed: totals.failed,
      diverged: totals.diverged,
      errored: totals.errored,
      duration: formatDuration(comparison.head.durationMs),
      ...optional('usage', formatUsage(totals)),
      ...optional('cacheSaved', formatCacheSaved(totals.cacheSavedUsd)),
      ...optional('commit', comparison.head.commit?.slice(0, 12)),
      partial: comparison.head.partial === true,
      reproduce: [...(reproduceFrom ? [reproduceFrom.reproduce] : []), 'npx rehearse run', 'npx rehearse report --from rehearse-results.json'],
    },
  };
}

function buildRow(c: ComparedCase, trajectories: TrajectoryComparison | undefined, link: (file: string) => string | undefined, max: number): CaseRowView {
  const head = c.head;
  const key = truncate(c.key, max);
  const url = head ? link(head.file) : undefined;
  const drift = head ? caseDrift(head)[0] : undefined;
  return {
    key,
    title: truncate(head?.title || c.key, Math.min(max, 200)),
    suite: truncate(head?.suite ?? c.key.split('/')[0] ?? '', 100),
    verdict: c.verdict,
    verdictTitle: VERDICT_TITLE[c.verdict],
    ...optional('url', url),
    passRate: head ? formatPassRate(head.passes, head.attempts.length) : '—',
    ...optional('basePassRate', c.base ? formatPassRate(c.base.passes, c.base.runs) : undefined),
    ...optional('departure', trajectories?.departure ? truncate(describeDeparture(trajectories.departure), 160) : undefined),
    ...optional('drift', drift ? truncate(`step ${drift.step}: ${drift.message}`, 160) : undefined),
  };
}

function repeatStats(head: CaseResult, c: ComparedCase): string | undefined {
  const headStats = formatRepeatStats(head.passes, head.attempts.length);
  const baseStats = c.base ? formatRepeatStats(c.base.passes, c.base.runs) : undefined;
  if (!headStats && !baseStats) return undefined;
  return [headStats && `head ${head.passes}/${head.attempts.length}: ${headStats}`, baseStats && `base ${c.base!.passes}/${c.base!.runs}: ${baseStats}`].filter(Boolean).join('; ');
}

function buildDetails(c: ComparedCase, head: CaseResult, row: CaseRowView, trajectories: TrajectoryComparison | undefined, max: number): CaseDetailsView {
  const attempt = representativeAttempt(head);
  const divergence = attempt?.divergence;
  const error = head.error ?? attempt?.error;
  const drift = caseDrift(head);
  let divergenceDiff: string | undefined;
  if (divergence?.nearest) {
    const changes = diffJson(divergence.nearest.args, divergence.args ?? null);
    const fromChangeset = changes.length === 0 ? changesFromChangeset(divergence.nearest.diff) : changes;
    if (fromChangeset.length > 0) divergenceDiff = truncate(formatChanges(fromChangeset), max * 4);
  }
  return {
    ...row,
    file: head.file,
    reason: truncate(c.reason, max),
    assertions: (attempt?.assertions ?? []).filter((a) => !a.pass).map((a) => assertionView(a, max)),
    ...optional('error', error ? truncate(`${error.code}: ${error.message}${error.file ? ` (${error.file}${error.pointer ? `#${error.pointer}` : ''})` : ''}`, max * 2) : undefined),
    ...optional('divergence', divergence ? { message: truncate(divergence.message, max), ...optional('diff', divergenceDiff) } : undefined),
    ...optional('flowchart', trajectories && trajectories.recorded.length + trajectories.replayed.length > 0 ? trajectoryFlowchart(trajectories) : undefined),
    ...optional('repeatStats', repeatStats(head, c)),
    ...optional('driftSteps', drift.length > 0 ? drift.slice(0, MAX_DRIFT_SHOWN).map((d) => truncate(`step ${d.step}: ${d.message}`, Math.min(max, 400))) : undefined),
    ...optional('driftMore', drift.length > MAX_DRIFT_SHOWN ? drift.length - MAX_DRIFT_SHOWN : undefined),
    ...optional('modelUsage', formatCaseUsage(head)),
    reproduce: `npx rehearse run ${head.file}`,
  };
}

/** Drift entries listed per case; more say nothing new and would crowd out other cases' details. */
const MAX_DRIFT_SHOWN = 5;

function assertionView(a: AssertionResult, max: number): AssertionView {
  const changes = diffFromEvidence(a.evidence);
  const message = a.error ? `${a.message} (could not run: ${a.error})` : a.message;
  return {
    name: truncate(a.name, 200),
    type: a.type,
    message: truncate(message, max),
    ...(changes ? { diff: truncate(formatChanges(changes), max * 4) } : optional('evidence', a.evidence === undefined ? undefined : compactJson(a.evidence, max))),
  };
}

/** Builds `repoUrl/blob/sha/path` with each segment percent-encoded (parentheses too, for Markdown links). */
function caseLinker(repoUrl: string | undefined, sha: string | undefined): (file: string) => string | undefined {
  if (!repoUrl || !sha || !/^https?:\/\/[^\s<>()]+$/.test(repoUrl)) return () => undefined;
  const base = `${repoUrl.replace(/\/+$/, '')}/blob/${encodePath(sha)}/`;
  return (file) => (file ? base + encodePath(file) : undefined);
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[()]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** Spreads `{ [key]: value }` only when the value is defined (keeps `exactOptionalPropertyTypes`-style data clean). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
