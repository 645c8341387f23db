import { formatJsonShort } from './json-value.js';
import { matchingCalls } from './tool-called.js';
import { toolCalls } from './timeline.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

/**
 * `tool-not-called`: `tool` was never called, or, with `args`, never called with arguments containing
 * them (other calls of the tool are fine). The evidence of a failure is the offending calls and their steps.
 */
export const toolNotCalledAssertion: AssertionDefinition<'tool-not-called'> = {
  type: 'tool-not-called',
  describe: (spec) => `tool ${spec.tool} not called${spec.args !== undefined ? ` with ${formatJsonShort(spec.args)}` : ''}`,
  evaluate(spec, run) {
    if (typeof spec.tool !== 'string' || spec.tool === '') return errored('tool-not-called needs a `tool` name');
    const offending = matchingCalls(toolCalls(run.timeline), spec.tool, spec.args);
    if (offending.length === 0) return passed(`${spec.tool} was not called${spec.args !== undefined ? ' with matching arguments' : ''}`);
    const withArgs = spec.args !== undefined ? ` with ${formatJsonShort(spec.args)}` : '';
    const first = offending[0]!;
    const firstStep = run.timeline.indexOf(first);
    return failed(
      `expected ${spec.tool} not to be called${withArgs}, it was called ${offending.length === 1 ? 'once' : `${offending.length} times`} (first at step ${firstStep} with ${formatJsonShort(first.args)})`,
      { calls: offending.slice(0, 10).map((c) => ({ step: run.timeline.indexOf(c), args: c.args })) },
    );
  },
};
