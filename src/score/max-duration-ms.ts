import { withinBudget } from './budget.js';
import type { AssertionDefinition } from './types.js';

/** `max-duration-ms`: the attempt took at most `max` milliseconds of wall time. */
export const maxDurationMsAssertion: AssertionDefinition<'max-duration-ms'> = {
  type: 'max-duration-ms',
  describe: (spec) => `finishes within ${spec.max} ms`,
  evaluate: (spec, run) => withinBudget('max-duration-ms', Math.round(run.durationMs), spec.max, () => 'ms'),
};
