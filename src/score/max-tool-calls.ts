import { withinBudget } from './budget.js';
import type { AssertionDefinition } from './types.js';

/** `max-tool-calls`: at most `max` tool calls in all, or of `tool` when it is given. */
export const maxToolCallsAssertion: AssertionDefinition<'max-tool-calls'> = {
  type: 'max-tool-calls',
  describe: (spec) => (spec.tool ? `at most ${spec.max} calls of ${spec.tool}` : `at most ${spec.max} tool calls`),
  evaluate(spec, run) {
    let used = 0;
    for (const event of run.timeline) if (event.type === 'tool' && (spec.tool === undefined || event.name === spec.tool)) used++;
    return withinBudget('max-tool-calls', used, spec.max, spec.tool ? `calls of ${spec.tool}` : 'tool calls');
  },
};
