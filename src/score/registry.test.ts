import { describe, expect, it } from 'vitest';
import { assertionRegistry, assertionTypes, lookupAssertion } from './registry.js';

describe('assertionRegistry', () => {
  it('maps every spec type to the assertion of that type', () => {
    expect(assertionTypes.sort()).toEqual(
      [
        'contains',
        'custom',
        'equals',
        'json-schema',
        'judge',
        'matches',
        'max-duration-ms',
        'max-steps',
        'max-tokens',
        'max-tool-calls',
        'no-error',
        'not-contains',
        'tool-args',
        'tool-called',
        'tool-not-called',
        'trajectory',
      ].sort(),
    );
    for (const [type, definition] of Object.entries(assertionRegistry)) expect(definition.type).toBe(type);
    expect(Object.isFrozen(assertionRegistry)).toBe(true);
  });

  it('looks up by name, safely for names inherited from Object', () => {
    expect(lookupAssertion('contains')).toBe(assertionRegistry.contains);
    expect(lookupAssertion('toString')).toBeUndefined();
    expect(lookupAssertion('__proto__')).toBeUndefined();
    expect(lookupAssertion('nope')).toBeUndefined();
  });
});
