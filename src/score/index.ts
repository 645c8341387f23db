/**
 * Scoring: every assertion that decides whether a replayed run behaves, the registry that maps a spec's
 * `type` to its assertion, and the scoring of a whole attempt.
 */
export { scoreAttempt, evaluateAssertion, combineResults } from './score-attempt.js';
export type { ScoredAttempt } from './score-attempt.js';
export { assertionRegistry, assertionTypes, lookupAssertion } from './registry.js';
export type { AssertionRegistry } from './registry.js';
export { describeAssertion, assertionName } from './describe.js';
export type { AssertionDefinition, AssertionOutcome, AssertionContext, SpecOf } from './types.js';
export { toolCalls, runTokens, usageTokens } from './timeline.js';
export { resolveOutputPath } from './output-path.js';
export type { OutputPathResult } from './output-path.js';
export { subsetMatch, deepEqual, leafAgreement } from './json-value.js';
export { lcsLength } from './trajectory.js';
export type { CustomAssertionFn, CustomVerdict } from './custom.js';
