import { describe, expect, it } from 'vitest';
import type { AssertionSpec } from '../model/assertion.js';
import { assertionName, describeAssertion } from './describe.js';

describe('describeAssertion', () => {
  it('builds a default name for every type', () => {
    const cases: [AssertionSpec, string][] = [
      [{ type: 'contains', value: 'refund issued' }, 'output contains "refund issued"'],
      [{ type: 'not-contains', value: 'sorry', caseSensitive: false }, 'output does not contain "sorry" (ignoring case)'],
      [{ type: 'equals', path: '/status', value: 'refunded' }, 'output at /status equals "refunded"'],
      [{ type: 'matches', pattern: '^REF-\\d+$' }, 'output matches /^REF-\\d+$/'],
      [{ type: 'json-schema', schema: { title: 'Refund' } }, 'output matches JSON schema "Refund"'],
      [{ type: 'tool-called', tool: 'lookup_order', count: { min: 1, max: 2 } }, 'tool lookup_order called between 1 and 2 times'],
      [{ type: 'tool-not-called', tool: 'issue_refund' }, 'tool issue_refund not called'],
      [{ type: 'tool-args', tool: 'issue_refund', args: { amount: 20 } }, 'tool issue_refund args include {"amount":20}'],
      [{ type: 'trajectory', expected: ['lookup_order', 'issue_refund'], mode: 'subset' }, 'trajectory (subset): lookup_order → issue_refund'],
      [{ type: 'no-error' }, 'run completes without error'],
      [{ type: 'max-steps', max: 8 }, 'at most 8 steps'],
      [{ type: 'max-tool-calls', max: 1 }, 'at most 1 tool call'],
      [{ type: 'max-duration-ms', max: 500 }, 'finishes within 500 ms'],
      [{ type: 'max-tokens', max: 4000 }, 'uses at most 4000 tokens'],
      [{ type: 'custom', module: './checks/tone.mjs' }, 'custom ./checks/tone.mjs'],
    ];
    for (const [spec, name] of cases) expect(describeAssertion(spec)).toBe(name);
  });

  it('ignores the spec name; assertionName prefers it', () => {
    const spec: AssertionSpec = { type: 'no-error', name: 'agent does not crash' };
    expect(describeAssertion(spec)).toBe('run completes without error');
    expect(assertionName(spec)).toBe('agent does not crash');
    expect(assertionName({ type: 'no-error', name: '' })).toBe('run completes without error');
  });

  it('never throws on broken specs', () => {
    expect(describeAssertion({ type: 'trajectory' } as AssertionSpec)).toBe('trajectory');
    expect(describeAssertion({ type: 'sideways' } as unknown as AssertionSpec)).toBe('unknown assertion "sideways"');
  });
});
