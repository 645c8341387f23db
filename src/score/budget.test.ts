import { describe, expect, it } from 'vitest';
import { plural, withinBudget } from './budget.js';

describe('withinBudget', () => {
  it('passes within the bound and scores max/used beyond it', () => {
    expect(withinBudget('x', 1, 1, plural('step'))).toEqual({ pass: true, score: 1, message: '1 step (max 1)' });
    expect(withinBudget('x', 8, 2, plural('step'))).toEqual({ pass: false, score: 0.25, message: 'expected at most 2 steps, used 8', evidence: { used: 8, max: 2 } });
  });
  it('errors on a bound that is not a finite number >= 0', () => {
    expect(withinBudget('max-steps', 1, Number.NaN, plural('step')).error).toBe('max-steps: max must be a number >= 0, got null');
  });
});
