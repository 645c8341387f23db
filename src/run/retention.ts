import type { SideSummary } from '../model/comparison.js';
import type { AttemptResult, CaseResult, RunResults, Verdict } from '../model/result.js';
import { resolveSettings, type CompareOptions } from '../compare/compare.js';
import { judgeCase, type CompareSettings, type Reference } from '../compare/classify.js';
import { summarizeSide } from '../compare/summarize.js';
import { hasDrift } from '../report/model-usage.js';

/**
 * How many cases of each verdict keep their full result in memory. The built-in reports show far fewer
 * in detail: the terminal lists 30 per verdict (unless `verbose`), the PR comment fits in 65,536
 * characters, the job summary in 1 MiB. Every case keeps its full result in the results file.
 */
export const DEFAULT_DETAILED_PER_VERDICT = 1_000;

export interface RetentionOptions {
  /** The baseline the run is compared with; each case's captured outcome when absent. */
  baseline?: RunResults;
  /** The head run's `repeat` (for cases with no attempts). */
  repeat: number;
  /** The config's thresholds and significance, as the run's comparison gets them. */
  compare?: CompareOptions;
  /** Cases of each verdict kept in full (the first by key, as reports list them). @default DEFAULT_DETAILED_PER_VERDICT */
  detailedPerVerdict?: number;
  /** Keep every result in full: a run that writes no results file has nowhere else to keep the detail. */
  keepAll?: boolean;
}

/**
 * What a run keeps of each finished case until it ends. Every case's full result is in the results file
 * (and went to `onCaseResult`); in memory, only the cases a report shows in detail keep theirs: each case is
 * judged as it arrives, against its baseline or captured outcome (known before the run starts, the same
 * rules `compareRuns` applies at the end), and a plain pass (verdict `passing`, or `new` and passed,
 * without drift) is slimmed at once (`slimResult`). So are the cases of a verdict beyond the first
 * `detailedPerVerdict` by key. Memory then grows by a slim result per case, not by its replayed timeline.
 */
export class ResultRetention {
  readonly #kept = new Map<number, CaseResult>();
  readonly #settings: CompareSettings | undefined;
  readonly #baseSides = new Map<string, SideSummary>();
  readonly #hasBaseline: boolean;
  readonly #repeat: number;
  readonly #limit: number;
  /** Cases kept in full, per verdict; trimmed to the first `#limit` by key whenever it doubles that. */
  readonly #detailed = new Map<Verdict, { key: string; index: number }[]>();
  #slimmed = 0;

  constructor(options: RetentionOptions) {
    this.#repeat = options.repeat;
    this.#limit = Math.max(0, options.detailedPerVerdict ?? DEFAULT_DETAILED_PER_VERDICT);
    this.#hasBaseline = options.baseline !== undefined;
    // Out-of-range thresholds: keep everything; the run's own comparison throws the error, as it always has.
    this.#settings = options.keepAll ? undefined : settingsOrUndefined(options.compare);
    for (const result of options.baseline?.cases ?? []) {
      if (!this.#baseSides.has(result.key)) this.#baseSides.set(result.key, summarizeSide(result, options.baseline!.repeat));
    }
  }

  /** Keeps a finished case: in full when a report may show it in detail, else slimmed. */
  add(index: number, result: CaseResult): void {
    const verdict = this.#verdictOf(result);
    if (verdict === undefined) return void this.#kept.set(index, result);
    if (verdict === 'plain') {
      this.#slimmed += 1;
      return void this.#kept.set(index, slimResult(result));
    }
    this.#kept.set(index, result);
    let list = this.#detailed.get(verdict);
    if (!list) this.#detailed.set(verdict, (list = []));
    list.push({ key: result.key, index });
    if (list.length >= 2 * this.#limit && list.length > 0) this.#trim(list);
  }

  /** Replaces what is kept for a case (a duplicate read back in full from the results file, say). */
  replace(index: number, result: CaseResult): void {
    this.#kept.set(index, result);
  }

  /** What is kept for a case, if it finished. */
  get(index: number): CaseResult | undefined {
    return this.#kept.get(index);
  }

  /** Whether the case's result in memory is a slim one. */
  isSlim(index: number): boolean {
    const result = this.#kept.get(index);
    return result !== undefined && SLIM.has(result);
  }

  /** Every kept case in index (file) order, after trimming each verdict to its first `detailedPerVerdict`. */
  inFileOrder(): { index: number; result: CaseResult }[] {
    for (const list of this.#detailed.values()) if (list.length > this.#limit) this.#trim(list);
    return [...this.#kept.keys()].sort((a, b) => a - b).map((index) => ({ index, result: this.#kept.get(index)! }));
  }

  /** How many cases were slimmed so far. */
  get slimmed(): number {
    return this.#slimmed;
  }

  /** The verdict `compareRuns` will give the case, `plain` for a pass no report details, undefined to keep it as is. */
  #verdictOf(result: CaseResult): Verdict | 'plain' | undefined {
    if (this.#settings === undefined) return undefined;
    const base = this.#hasBaseline ? this.#baseSides.get(result.key) : undefined;
    const reference: Reference = base
      ? { kind: 'base', side: base }
      : { kind: 'captured', status: result.captured, isNew: this.#hasBaseline };
    const { verdict } = judgeCase(result, summarizeSide(result, this.#repeat), reference, this.#settings);
    // The same test the reports use (view-model's details, the terminal's passing list): a plain pass shows no detail.
    const plainPass = verdict === 'passing' || (verdict === 'new' && result.status === 'passed');
    return plainPass && !hasDrift(result) ? 'plain' : verdict;
  }

  /** Keeps the first `#limit` of a verdict by key in full and slims the rest. */
  #trim(list: { key: string; index: number }[]): void {
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
    for (const { index } of list.splice(this.#limit)) {
      const result = this.#kept.get(index);
      if (result && !SLIM.has(result)) {
        this.#kept.set(index, slimResult(result));
        this.#slimmed += 1;
      }
    }
  }
}

/** Slim results, so `isSlim` needs no marker property on the objects reporters see. */
const SLIM = new WeakSet<CaseResult>();

/**
 * A case result without what only a detailed report reads: the replayed `timeline` of each attempt (left
 * empty), its `output`, the assertions that passed, and the case's `recordedTrajectory`. Kept: identity
 * (key, suite, id, title, tags, file, captured, capturedFailureStep), status, passes, durations, the case's
 * error, and per attempt its status, score, failed assertions, error, divergence, usage, cost, drift and cache:
 * everything the comparison, the totals, the verdict tables and the JUnit file read.
 */
export function slimResult(result: CaseResult): CaseResult {
  const slim: CaseResult = {
    key: result.key,
    suite: result.suite,
    id: result.id,
    title: result.title,
    tags: result.tags,
    file: result.file,
    status: result.status,
    passes: result.passes,
    attempts: result.attempts.map(slimAttempt),
    durationMs: result.durationMs,
  };
  if (result.captured !== undefined) slim.captured = result.captured;
  if (result.capturedFailureStep !== undefined) slim.capturedFailureStep = result.capturedFailureStep;
  if (result.error !== undefined) slim.error = result.error;
  SLIM.add(slim);
  return slim;
}

function slimAttempt(attempt: AttemptResult): AttemptResult {
  const slim: AttemptResult = {
    status: attempt.status,
    durationMs: attempt.durationMs,
    score: attempt.score,
    assertions: attempt.assertions.filter((assertion) => !assertion.pass),
    timeline: [],
  };
  if (attempt.error !== undefined) slim.error = attempt.error;
  if (attempt.divergence !== undefined) slim.divergence = attempt.divergence;
  if (attempt.usage !== undefined) slim.usage = attempt.usage;
  if (attempt.costUsd !== undefined) slim.costUsd = attempt.costUsd;
  if (attempt.drift !== undefined) slim.drift = attempt.drift;
  if (attempt.cache !== undefined) slim.cache = attempt.cache;
  return slim;
}

function settingsOrUndefined(options: CompareOptions | undefined): CompareSettings | undefined {
  try {
    return resolveSettings(options);
  } catch {
    return undefined;
  }
}
