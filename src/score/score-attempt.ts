import type { AssertionResult, AssertionSpec } from '../model/assertion.js';
import type { ReplayedRun } from '../model/run.js';
import { assertionName } from './describe.js';
import { assertionTypes, lookupAssertion } from './registry.js';
import { errored, isPromiseLike, type AssertionContext, type AssertionDefinition, type AssertionOutcome } from './types.js';

/** The verdict on one attempt: every assertion's result, and what they add up to. */
export interface ScoredAttempt {
  assertions: AssertionResult[];
  pass: boolean;
  /** Weighted mean of the assertion scores, 0..1. */
  score: number;
}

/*
 * A weighted mean such as 0.1 + 0.2 … can land a hair below a threshold it mathematically meets; a
 * threshold is a human's round number, so compare with a little slack.
 */
const THRESHOLD_EPSILON = 1e-9;

function toResult(spec: AssertionSpec, outcome: AssertionOutcome, definition?: AssertionDefinition): AssertionResult {
  const hasError = outcome.error !== undefined;
  const score = hasError || !(outcome.score > 0) ? 0 : outcome.score < 1 ? outcome.score : 1;
  const result: AssertionResult = { type: spec.type, name: assertionName(spec, definition), pass: outcome.pass === true && !hasError, score, message: outcome.message };
  if (outcome.evidence !== undefined) result.evidence = outcome.evidence;
  if (hasError) result.error = outcome.error;
  return result;
}

function crashed(spec: AssertionSpec, error: unknown): AssertionResult {
  const detail = error instanceof Error ? error.message : String(error);
  return toResult(spec, errored(`the ${String(spec.type)} assertion failed to run: ${detail}`));
}

/**
 * Evaluates one assertion against a run. Synchronous unless the assertion has to wait (a lazily loaded
 * module, an async custom check). Never throws and never rejects: an unknown type, a broken spec or a
 * crashing check becomes a result with `error` set.
 */
export function evaluateAssertion(spec: AssertionSpec, run: ReplayedRun, context: AssertionContext): AssertionResult | Promise<AssertionResult> {
  if (typeof spec !== 'object' || spec === null) {
    return { type: 'invalid', name: 'invalid assertion', pass: false, score: 0, message: 'an assertion must be an object with a `type`', error: 'invalid assertion spec' };
  }
  const definition = lookupAssertion(spec.type);
  if (!definition) {
    return toResult(spec, errored(`unknown assertion type ${JSON.stringify(spec.type)}; known types: ${assertionTypes.join(', ')}`));
  }
  let outcome: AssertionOutcome | Promise<AssertionOutcome>;
  try {
    outcome = definition.evaluate(spec, run, context);
  } catch (error) {
    return crashed(spec, error);
  }
  if (!isPromiseLike(outcome)) return toResult(spec, outcome, definition);
  return outcome.then(
    (settled) => toResult(spec, settled, definition),
    (error: unknown) => crashed(spec, error),
  );
}

function weightOf(spec: AssertionSpec | undefined): number {
  const w = typeof spec === 'object' && spec !== null ? spec.weight : undefined;
  return typeof w === 'number' && Number.isFinite(w) && w >= 0 ? w : 1;
}

/**
 * Combines assertion results: `score` is their weighted mean (weights default to 1; when every weight is 0,
 * the plain mean). Without a `passThreshold` the attempt passes when every assertion passes; with one, when
 * the score reaches it. No assertions at all: passes with score 1.
 */
export function combineResults(specs: readonly AssertionSpec[], results: readonly AssertionResult[], passThreshold?: number): { pass: boolean; score: number } {
  if (results.length === 0) return { pass: true, score: 1 };
  let weighted = 0;
  let totalWeight = 0;
  let plain = 0;
  let allPass = true;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const weight = weightOf(specs[i]);
    weighted += weight * result.score;
    totalWeight += weight;
    plain += result.score;
    if (!result.pass) allPass = false;
  }
  const score = totalWeight > 0 ? weighted / totalWeight : plain / results.length;
  const pass = typeof passThreshold === 'number' ? score + THRESHOLD_EPSILON >= passThreshold : allPass;
  return { pass, score };
}

/**
 * Scores one attempt: evaluates every spec against the replayed run, then combines them (see
 * `combineResults`; the threshold is `caseData.passThreshold`). Results keep the order of `specs`.
 * Assertions run synchronously in order; only those that must wait (custom checks, first use of ajv or
 * json-diff-ts) are awaited, together. Never rejects.
 *
 * @example
 * const { pass, score, assertions } = await scoreAttempt(caseData.assertions, run, { caseData, caseFile });
 */
export function scoreAttempt(specs: readonly AssertionSpec[], run: ReplayedRun, context: AssertionContext): Promise<ScoredAttempt> {
  const results: (AssertionResult | Promise<AssertionResult>)[] = new Array(specs.length);
  let waiting = false;
  for (let i = 0; i < specs.length; i++) {
    const result = evaluateAssertion(specs[i]!, run, context);
    if (isPromiseLike(result)) waiting = true;
    results[i] = result;
  }
  const threshold = context.caseData.passThreshold;
  const finish = (assertions: AssertionResult[]): ScoredAttempt => {
    const { pass, score } = combineResults(specs, assertions, threshold);
    return { assertions, pass, score };
  };
  return waiting ? Promise.all(results).then(finish) : Promise.resolve(finish(results as AssertionResult[]));
}
