import { describe, expect, it } from 'vitest';
import { nameProblem, slugify } from './names.js';
import { casePath, PromoteError } from './write-case.js';

describe('names', () => {
  it('accepts schema-valid names and refuses traversal, slashes and capitals', () => {
    expect(nameProblem('suite', 'support')).toBeUndefined();
    expect(nameProblem('id', 'refund-double.v2_a')).toBeUndefined();
    expect(nameProblem('suite', '../etc')).toMatch(/slashes/);
    expect(nameProblem('id', 'a..b')).toMatch(/must not contain "\.\."/);
    expect(nameProblem('id', '..')).toMatch(/\.\./);
    expect(nameProblem('id', 'a\\b')).toMatch(/slashes/);
    expect(nameProblem('id', 'Refund')).toMatch(/lower-case/);
    expect(nameProblem('id', '-x')).toMatch(/must start/);
    expect(nameProblem('id', 'x'.repeat(129))).toMatch(/at most 128/);
  });

  it('casePath stays under suites/ and throws PromoteError for a bad name', () => {
    expect(casePath('/p', 'support', 'a')).toBe('/p/suites/support/a.case.json');
    expect(() => casePath('/p', 'support', '../a')).toThrow(PromoteError);
  });

  it('slugify makes a valid id from a title, cut at a word boundary', () => {
    expect(slugify("Retried issue_refund after a gateway timeout & refunded twice!")).toBe('retried-issue-refund-after-a-gateway-timeout-refunded-twice');
    expect(slugify('Ünïcode Ωmega')).toBe('unicode-mega');
    expect(slugify('!!!')).toBe('case');
    const long = slugify('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(nameProblem('id', long)).toBeUndefined();
  });
});
