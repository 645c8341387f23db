import { plural, withinBudget } from './budget.js';
import type { AssertionDefinition } from './types.js';

/** `max-tool-calls`: at most `max` tool calls in all, or of `tool` when it is given. */
export const maxToolCallsAssertion: AssertionDefinition<'max-tool-calls'> = {
  type: 'max-tool-calls',
  describe: (spec) => `at most ${spec.max} ${spec.tool ? plural('call', ` of ${spec.tool}`)(spec.max) : plural('tool call')(spec.max)}`,
  evaluate(spec, run) {
    let used = 0;
    for (const event of run.timeline) if (event.type === 'tool' && (spec.tool === undefined || event.name === spec.tool)) used++;
    return withinBudget('max-tool-calls', used, spec.max, spec.tool ? plural('call', ` of ${spec.tool}`) : plural('tool call'));
  },
};
