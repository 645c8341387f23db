import type { AssertionType } from '../model/assertion.js';
import { containsAssertion } from './contains.js';
import { customAssertion } from './custom.js';
import { equalsAssertion } from './equals.js';
import { jsonSchemaAssertion } from './json-schema.js';
import { matchesAssertion } from './matches.js';
import { maxDurationMsAssertion } from './max-duration-ms.js';
import { maxStepsAssertion } from './max-steps.js';
import { maxToolCallsAssertion } from './max-tool-calls.js';
import { maxTokensAssertion } from './max-tokens.js';
import { noErrorAssertion } from './no-error.js';
import { notContainsAssertion } from './not-contains.js';
import { toolArgsAssertion } from './tool-args.js';
import { toolCalledAssertion } from './tool-called.js';
import { toolNotCalledAssertion } from './tool-not-called.js';
import { trajectoryAssertion } from './trajectory.js';
import { judgeAssertion } from './judge.js';
import type { AssertionDefinition } from './types.js';

/** Every built-in assertion, by the `type` a spec names it with. */
export type AssertionRegistry = { readonly [T in AssertionType]: AssertionDefinition<T> };

/**
 * The name → assertion registry. Its keys are exactly the `AssertionSpec` types: adding a spec type to the
 * model without an assertion here is a compile error.
 */
export const assertionRegistry: AssertionRegistry = Object.freeze({
  equals: equalsAssertion,
  contains: containsAssertion,
  'not-contains': notContainsAssertion,
  matches: matchesAssertion,
  'json-schema': jsonSchemaAssertion,
  'tool-called': toolCalledAssertion,
  'tool-not-called': toolNotCalledAssertion,
  'tool-args': toolArgsAssertion,
  trajectory: trajectoryAssertion,
  'no-error': noErrorAssertion,
  'max-steps': maxStepsAssertion,
  'max-tool-calls': maxToolCallsAssertion,
  'max-duration-ms': maxDurationMsAssertion,
  'max-tokens': maxTokensAssertion,
  custom: customAssertion,
  judge: judgeAssertion,
});

/** The types the registry knows, for error messages and validation. */
export const assertionTypes = Object.keys(assertionRegistry) as AssertionType[];

/**
 * The assertion for a type name, or undefined when there is none. Safe with any string (a case file may
 * name `toString` or `__proto__`).
 */
export function lookupAssertion(type: string): AssertionDefinition | undefined {
  return byType.get(type);
}

// A Map, not the object: faster on the per-assertion path, and immune to inherited names.
const byType = new Map<string, AssertionDefinition>(
  Object.entries(assertionRegistry).map(([type, definition]) => [type, definition as unknown as AssertionDefinition]),
);
