import type { AssertionSpec } from '../model/assertion.js';
import { lookupAssertion } from './registry.js';
import type { AssertionDefinition } from './types.js';

/**
 * The default label of an assertion, built from its spec (its own `name` is not consulted):
 * `output contains "refund issued"`, `tool issue_refund not called`, `trajectory: lookup_order → issue_refund`, …
 * Never throws: a spec too broken to describe is labelled by its type. `definition` defaults to the registry's.
 */
export function describeAssertion(spec: AssertionSpec, definition = lookupAssertion((spec as { type?: unknown }).type as string)): string {
  if (!definition) return `unknown assertion ${JSON.stringify((spec as { type?: unknown }).type) ?? 'undefined'}`;
  try {
    return definition.describe(spec);
  } catch {
    return spec.type;
  }
}

/**
 * The label reports show: the spec's `name` when it has one, else `describeAssertion(spec)`.
 * `definition` saves a second registry lookup when the caller already has it.
 */
export function assertionName(spec: AssertionSpec, definition?: AssertionDefinition): string {
  return typeof spec.name === 'string' && spec.name !== '' ? spec.name : describeAssertion(spec, definition ?? lookupAssertion(spec.type));
}
