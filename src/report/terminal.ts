import type { CaseResult, ComparedCase, Comparison, Reporter, RunEndInfo, RunStartInfo, Verdict } from '../model/index.js';
import { compactJson, sanitizeForTerminal, truncate } from './escape.js';
import { formatDuration, formatPassRate, formatRepeatStats, formatUsage } from './format.js';
import { diffFromEvidence, formatChanges } from './json-diff.js';
import { caseDrift, countDriftCases, DRIFT_EXPLANATION, formatCacheSaved, formatCaseUsage, hasDrift } from './model-usage.js';
import { compareTrajectories, describeDeparture, representativeAttempt } from './trajectory.js';
import { countVerdicts, formatHeadline, REPORT_VERDICT_ORDER, VERDICT_TITLE } from './verdicts.js';

/** A stream the terminal reporter can write to (process.stdout, a file stream, a test sink). */
export interface TerminalStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface TerminalOptions {
  /** @default process.stdout */
  stream?: TerminalStream;
  /** Force colours on or off. @default on only for a TTY without NO_COLOR (FORCE_COLOR wins) */
  color?: boolean;
  /** List passing cases and show longer evidence. @default false */
  verbose?: boolean;
  /** Show a progress line on a TTY once the run has taken this long. @default 2000 */
  progressAfterMs?: number;
  /** Environment to read NO_COLOR / FORCE_COLOR from. @default process.env */
  env?: Record<string, string | undefined>;
}

/** Whether to colour output for this stream, following the NO_COLOR and FORCE_COLOR conventions. */
export function shouldUseColor(stream: TerminalStream, env: Record<string, string | undefined> = process.env): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true;
}

type Paint = (text: string) => string;
interface Palette {
  red: Paint;
  green: Paint;
  yellow: Paint;
  magenta: Paint;
  dim: Paint;
  bold: Paint;
}

function palette(on: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (on ? (t) => `\u001B[${open}m${t}\u001B[${close}m` : (t) => t);
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), magenta: sgr(35, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

const STATUS_SYMBOL: Record<CaseResult['status'], string> = { passed: '✓', failed: '✗', diverged: '↯', errored: '!' };
const FLUSH_BYTES = 32 * 1024;
const FLUSH_MS = 100;
const PROGRESS_MS = 100;

/**
 * The `terminal` reporter: a line per case as it finishes, then the cases by verdict (regressions first)
 * with their failed assertions and where the replay departed, then one summary line. Output is buffered
 * and written in chunks (a write per case costs more than the case), flushed at least every 100 ms.
 */
export function createTerminalReporter(options: TerminalOptions = {}): Reporter {
  const stream = options.stream ?? process.stdout;
  const env = options.env ?? process.env;
  const c = palette(options.color ?? shouldUseColor(stream, env));
  const tty = stream.isTTY === true;
  const verbose = options.verbose === true;
  const progressAfter = options.progressAfterMs ?? 2000;
  let buffer = '';
  let timer: NodeJS.Timeout | undefined;
  let startedAt = Date.now();
  let total = 0;
  let done = 0;
  let failing = 0;
  let progressShown = false;
  let lastProgress = 0;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    // Clear a progress line first, so case lines do not start in its middle; it is redrawn on the next case.
    stream.write((progressShown ? '\r\u001B[2K' : '') + buffer);
    progressShown = false;
    buffer = '';
  };
  const emit = (text: string): void => {
    buffer += text;
    if (buffer.length >= FLUSH_BYTES) flush();
    else timer ??= setTimeout(flush, FLUSH_MS).unref();
  };
  const symbol = (status: CaseResult['status']): string => {
    const s = STATUS_SYMBOL[status];
    return status === 'passed' ? c.green(s) : status === 'failed' ? c.red(s) : status === 'diverged' ? c.yellow(s) : c.magenta(s);
  };

  return {
    onRunStart(info: RunStartInfo) {
      startedAt = Date.now();
      total = info.caseCount;
    },
    onCaseResult(result: CaseResult) {
      done += 1;
      if (result.status !== 'passed') failing += 1;
      const stats = formatRepeatStats(result.passes, result.attempts.length);
      const runs = stats ? ` ${formatPassRate(result.passes, result.attempts.length)} ${c.dim(stats)}` : '';
      const usage = formatCaseUsage(result);
      const spent = usage ? ` ${c.dim(`· ${usage}`)}` : '';
      emit(`${symbol(result.status)} ${result.status.padEnd(8)} ${sanitizeForTerminal(result.key)}${runs} ${c.dim(formatDuration(result.durationMs))}${spent}\n`);
      if (hasDrift(result)) emit(driftLines(result, '    ', verbose, c).join('\n') + '\n');
      const now = Date.now();
      if (tty && now - startedAt >= progressAfter && now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        flush();
        const count = total > 0 ? `${done}/${total}` : `${done}`;
        stream.write(`\r\u001B[2K${c.dim(`running ${count} · ${failing} not passing · ${formatDuration(now - startedAt)}`)}`);
        progressShown = true;
      }
    },
    onRunEnd(info: RunEndInfo) {
      emit(renderTerminalSummary(info, { verbose, palette: c, symbol }));
      flush();
    },
  };
}

interface SummaryStyle {
  verbose: boolean;
  palette: Palette;
  symbol: (status: CaseResult['status']) => string;
}

/** The end-of-run text: cases by verdict class, details for the classes that need a look, a summary line. */
function renderTerminalSummary({ comparison, results }: RunEndInfo, style: SummaryStyle): string {
  const c = style.palette;
  const out: string[] = [''];
  const byVerdict = groupByVerdict(comparison);
  for (const verdict of REPORT_VERDICT_ORDER) {
    const cases = byVerdict.get(verdict);
    if (!cases || cases.length === 0) continue;
    const heading = `${VERDICT_TITLE[verdict]} (${cases.length})`;
    const paint = verdict === 'regressed' || verdict === 'errored' ? c.red : verdict === 'fixed' ? c.green : verdict === 'passing' ? c.dim : c.yellow;
    out.push(c.bold(paint(heading)));
    if (verdict === 'passing' && !style.verbose) {
      // A pass answered with drift did not test the changed prompt: list those, so none reads as a clean pass.
      const drifted = cases.filter((compared) => hasDrift(compared.head));
      const shown = drifted.slice(0, MAX_LISTED_PER_CLASS);
      out.push(...listCases(shown, false, style));
      if (drifted.length > shown.length) out.push(`  ${c.dim(`… and ${drifted.length - shown.length} more answered with drift (the results file lists them all)`)}`);
      continue;
    }
    const detailed = verdict === 'regressed' || verdict === 'fixed' || verdict === 'errored' || verdict === 'still-failing';
    // A suite of thousands must not print thousands of detail blocks: the results file has them all.
    const shown = style.verbose ? cases : cases.slice(0, MAX_LISTED_PER_CLASS);
    out.push(...listCases(shown, detailed, style));
    const more = cases.length - shown.length;
    if (more > 0) out.push(`  ${c.dim(`… and ${more} more (every case is in the results file; the terminal reporter's "verbose" option lists them all)`)}`);
  }
  const counts = countVerdicts(comparison.cases);
  const dot = ` ${c.dim('·')} `;
  const usage = formatUsage(results.totals);
  const saved = formatCacheSaved(results.totals.cacheSavedUsd);
  const driftCases = countDriftCases(comparison.cases.map((compared) => compared.head));
  const drift = driftCases > 0 ? c.yellow(`⚠ ${driftCases} ${driftCases === 1 ? 'case' : 'cases'} answered with drift`) : '';
  out.push('');
  if (driftCases > 0) out.push(c.yellow(`⚠ drift: ${DRIFT_EXPLANATION}.`));
  out.push(
    `${c.bold(formatHeadline(counts))}${dot}${results.totals.cases} ${results.totals.cases === 1 ? 'case' : 'cases'} in ${formatDuration(results.durationMs)}${usage ? dot + usage : ''}${saved ? dot + saved : ''}${drift ? dot + drift : ''}${results.partial ? c.yellow(' (interrupted)') : ''}`,
    '',
  );
  return out.join('\n');
}

const MAX_LISTED_PER_CLASS = 30;

function listCases(cases: readonly ComparedCase[], detailed: boolean, style: SummaryStyle): string[] {
  const c = style.palette;
  const out: string[] = [];
  for (const compared of cases) {
    const head = compared.head;
    const title = head?.title && head.title !== compared.key ? `  ${c.dim(sanitizeForTerminal(truncate(head.title, 80)))}` : '';
    const rate = head ? `  ${formatPassRate(head.passes, head.attempts.length)}` : '';
    const drifted = hasDrift(head);
    const mark = drifted ? `  ${c.yellow('⚠ drift')}` : '';
    out.push(`  ${head ? style.symbol(head.status) : '-'} ${sanitizeForTerminal(compared.key)}${rate}${mark}${title}`);
    if (drifted && head) out.push(...driftLines(head, '      ', style.verbose, c));
    if (detailed && head) out.push(...caseDetails(compared, head, style));
  }
  return out;
}

function caseDetails(compared: ComparedCase, head: CaseResult, style: SummaryStyle): string[] {
  const c = style.palette;
  const max = style.verbose ? 2000 : 160;
  const lines: string[] = [];
  const clean = (text: string, limit = max): string => sanitizeForTerminal(truncate(text, limit)).replace(/\n/g, ' ');
  const attempt = representativeAttempt(head);
  const error = head.error ?? attempt?.error;
  if (error?.issues && error.issues.length > 0 && error.file) {
    // A case that could not be loaded: one line per problem, file and JSON pointer first, as an editor jumps to it.
    lines.push(`      ${c.magenta('error')} ${clean(`${error.code}: ${error.file}`)}`);
    for (const issue of error.issues.slice(0, style.verbose ? undefined : 10)) lines.push(`        ${clean(`${error.file}#${issue.pointer}: ${issue.message}`, max * 3)}`);
    if (!style.verbose && error.issues.length > 10) lines.push(`        ${c.dim(`… and ${error.issues.length - 10} more problems`)}`);
  } else if (error) {
    lines.push(`      ${c.magenta('error')} ${clean(`${error.code}: ${error.message}${error.file ? ` (${error.file}${error.pointer ? `#${error.pointer}` : ''})` : ''}`)}`);
  }
  if (attempt?.divergence) lines.push(`      ${c.yellow('diverged')} ${clean(attempt.divergence.message)}`);
  if (compared.verdict !== 'fixed') {
    for (const a of attempt?.assertions ?? []) {
      if (a.pass) continue;
      lines.push(`      ${c.red('✗')} ${clean(a.name, 80)}: ${clean(a.error ? `${a.message} (${a.error})` : a.message)}`);
      const changes = diffFromEvidence(a.evidence);
      if (changes) {
        for (const line of formatChanges(changes, style.verbose ? 40 : 5, style.verbose ? 200 : 60).split('\n')) {
          lines.push(`          ${line.startsWith('-') ? c.red(clean(line)) : line.startsWith('+') ? c.green(clean(line)) : c.dim(clean(line))}`);
        }
      } else if (a.evidence !== undefined) {
        lines.push(`          ${c.dim(sanitizeForTerminal(compactJson(a.evidence, style.verbose ? 1000 : 100)))}`);
      }
    }
  }
  if (compared.verdict === 'regressed' || compared.verdict === 'fixed') {
    const departure = compareTrajectories(head)?.departure;
    if (departure) lines.push(`      ${c.dim('↳')} ${clean(describeDeparture(departure))}`);
  }
  return lines;
}

/**
 * `⚠ drift: step N: …` lines for a case whose model calls were answered with drift: the first entry (every
 * entry when verbose) and how many more. Drift messages name request contents, so they are untrusted text.
 */
function driftLines(result: CaseResult, indent: string, verbose: boolean, c: Palette): string[] {
  const drift = caseDrift(result);
  const shown = verbose ? drift : drift.slice(0, 1);
  const lines = shown.map((d) => `${indent}${c.yellow('⚠ drift:')} ${sanitizeForTerminal(truncate(`step ${d.step}: ${d.message}`, verbose ? 2000 : 160)).replace(/\n/g, ' ')}`);
  if (drift.length > shown.length) lines.push(`${indent}${c.dim(`… and ${drift.length - shown.length} more drifted ${drift.length - shown.length === 1 ? 'call' : 'calls'}`)}`);
  return lines;
}

function groupByVerdict(comparison: Comparison): Map<Verdict, ComparedCase[]> {
  const groups = new Map<Verdict, ComparedCase[]>();
  for (const compared of comparison.cases) {
    let list = groups.get(compared.verdict);
    if (!list) groups.set(compared.verdict, (list = []));
    list.push(compared);
  }
  for (const list of groups.values()) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return groups;
}

export default createTerminalReporter;
