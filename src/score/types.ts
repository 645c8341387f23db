import type { AssertionSpec, AssertionType } from '../model/assertion.js';
import type { Case } from '../model/case.js';
import type { Json } from '../model/json.js';
import type { ReplayedRun } from '../model/run.js';
import type { JudgeEnvironment } from '../model-calls/judge-client.js';

/** The spec of one assertion type, e.g. `SpecOf<'contains'>`. */
export type SpecOf<T extends AssertionType> = Extract<AssertionSpec, { type: T }>;

/** What an assertion needs besides the run: the case being scored and where its file lives. */
export interface AssertionContext {
  caseData: Case;
  /** Absolute path of the case file; `custom` modules are resolved from its directory. */
  caseFile: string;
  /** The config's judge, for `judge` assertions (absent when none is configured). */
  judge?: JudgeEnvironment;
}

/**
 * What an assertion concludes, before the scorer adds `type` and `name`.
 * `error` means the assertion could not be evaluated (bad spec, custom module threw); `pass` is then false.
 */
export interface AssertionOutcome {
  pass: boolean;
  /** 0..1. */
  score: number;
  message: string;
  evidence?: Json;
  error?: string;
}

/**
 * One assertion type. `evaluate` returns a plain outcome whenever it can (the common, passing case) and a
 * promise only when it must wait: a heavy module loaded on first use, or a user's async check. That keeps
 * scoring 5,000 cases free of a promise per assertion.
 */
export interface AssertionDefinition<T extends AssertionType = AssertionType> {
  type: T;
  /** A short default label for reports, e.g. `output contains "refund issued"`. */
  describe(spec: SpecOf<T>): string;
  evaluate(spec: SpecOf<T>, run: ReplayedRun, context: AssertionContext): AssertionOutcome | Promise<AssertionOutcome>;
}

/** A passing outcome with full score. */
export function passed(message: string, evidence?: Json): AssertionOutcome {
  return evidence === undefined ? { pass: true, score: 1, message } : { pass: true, score: 1, message, evidence };
}

/** A failing outcome; `score` is partial credit in 0..1 (0 by default). */
export function failed(message: string, evidence?: Json, score = 0): AssertionOutcome {
  const clamped = score > 0 ? (score < 1 ? score : 1) : 0;
  return evidence === undefined ? { pass: false, score: clamped, message } : { pass: false, score: clamped, message, evidence };
}

/** An outcome for an assertion that could not be evaluated: it never passes. */
export function errored(error: string, message = error): AssertionOutcome {
  return { pass: false, score: 0, message, error };
}

/** True for anything with a callable `then`: what `await` would wait on. */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
