import { withDiff } from './diff-evidence.js';
import { deepEqual, formatJsonShort, leafAgreement, projectOnto, subsetMatch } from './json-value.js';
import { summarizeCalls } from './tool-called.js';
import { ordinal, toolCalls } from './timeline.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

/**
 * `tool-args`: the `nth` call of `tool` (1-based, default 1) had arguments matching `args`: containing them
 * (`match: 'subset'`, the default; see `subsetMatch`) or equal to them (`'exact'`). A mismatch scores the
 * share of argument leaves that agree; its evidence is a json-diff-ts changeset from the expected to the
 * actual arguments (for a subset match, only over the keys `args` names).
 */
export const toolArgsAssertion: AssertionDefinition<'tool-args'> = {
  type: 'tool-args',
  describe: (spec) => {
    const nth = spec.nth ?? 1;
    const which = nth === 1 ? '' : ` (${ordinal(nth)} call)`;
    return `tool ${spec.tool}${which} args ${spec.match === 'exact' ? 'equal' : 'include'} ${formatJsonShort(spec.args)}`;
  },
  evaluate(spec, run) {
    if (typeof spec.tool !== 'string' || spec.tool === '') return errored('tool-args needs a `tool` name');
    if (spec.args === undefined) return errored(`tool-args ${spec.tool}: \`args\` is required`);
    const nth = spec.nth ?? 1;
    if (!Number.isInteger(nth) || nth < 1) return errored(`tool-args ${spec.tool}: nth must be a whole number >= 1 (1 is the first call), got ${nth}`);
    const match = spec.match ?? 'subset';
    if (match !== 'subset' && match !== 'exact') return errored(`tool-args ${spec.tool}: match must be "subset" or "exact", got ${formatJsonShort(match)}`);

    const calls = toolCalls(run.timeline);
    let seen = 0;
    const call = calls.find((c) => c.name === spec.tool && ++seen === nth);
    if (!call) {
      const had = seen === 0 ? 'never called' : `called only ${seen === 1 ? 'once' : `${seen} times`}`;
      return failed(`expected a ${ordinal(nth)} call of ${spec.tool}, but it was ${had}; ${summarizeCalls(calls)}`, { calls: seen });
    }
    const exact = match === 'exact';
    const expected = spec.args;
    const actual = call.args;
    if (exact ? deepEqual(expected, actual) : subsetMatch(expected, actual)) {
      return passed(`the ${ordinal(nth)} call of ${spec.tool} had the expected arguments`);
    }
    const step = run.timeline.indexOf(call);
    const score = leafAgreement(expected, actual, exact);
    const message = `the ${ordinal(nth)} call of ${spec.tool} (step ${step}) had arguments ${formatJsonShort(actual, 120)}; expected them to ${exact ? 'equal' : 'include'} ${formatJsonShort(expected, 120)}`;
    const compared = exact ? actual : projectOnto(expected, actual);
    return withDiff((diff) => failed(message, { step, expected, actual, diff: diff(expected, compared) }, score));
  },
};
