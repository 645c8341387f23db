import { plural, withinBudget } from './budget.js';
import { runTokens } from './timeline.js';
import { errored, type AssertionDefinition } from './types.js';

/**
 * `max-tokens`: the run used at most `max` tokens, counting the usage of every model call in the timeline
 * plus `run.usage`. When no usage is recorded at all the assertion errors instead of passing: a budget
 * that cannot be measured is not met silently.
 */
export const maxTokensAssertion: AssertionDefinition<'max-tokens'> = {
  type: 'max-tokens',
  describe: (spec) => `uses at most ${spec.max} tokens`,
  evaluate(spec, run) {
    const used = runTokens(run);
    if (used === undefined) {
      return errored('no token usage recorded', `cannot check the budget of ${spec.max} tokens: no token usage recorded (the model calls carry no usage)`);
    }
    return withinBudget('max-tokens', used, spec.max, plural('token'));
  },
};
