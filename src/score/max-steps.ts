import { plural, withinBudget } from './budget.js';
import type { AssertionDefinition } from './types.js';

/** `max-steps`: the replayed timeline (model and tool calls together) has at most `max` events. */
export const maxStepsAssertion: AssertionDefinition<'max-steps'> = {
  type: 'max-steps',
  describe: (spec) => `at most ${spec.max} steps`,
  evaluate: (spec, run) => withinBudget('max-steps', run.timeline.length, spec.max, plural('step')),
};
