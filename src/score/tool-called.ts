import type { CountSpec } from '../model/assertion.js';
import type { ToolCallEvent } from '../model/case.js';
import type { Json } from '../model/json.js';
import { formatJsonShort, subsetMatch } from './json-value.js';
import { toolCalls } from './timeline.js';
import { errored, failed, passed, type AssertionDefinition } from './types.js';

interface Bounds {
  min: number;
  max: number;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** `count` as bounds, or the reason it is not a valid count. Absent means "at least once". */
function toBounds(count: CountSpec | undefined): Bounds | string {
  if (count === undefined) return { min: 1, max: Infinity };
  if (typeof count === 'number') return isCount(count) ? { min: count, max: count } : `count must be a whole number >= 0, got ${count}`;
  if (typeof count !== 'object' || count === null) return `count must be a number or { min, max }, got ${formatJsonShort(count)}`;
  const { min = 0, max = Infinity } = count;
  if (!isCount(min) || (max !== Infinity && !isCount(max))) return `count bounds must be whole numbers >= 0, got ${formatJsonShort(count)}`;
  if (min > max) return `count.min (${min}) is greater than count.max (${max})`;
  return { min, max };
}

const times = (n: number): string => (n === 1 ? 'once' : `${n} times`);

/** `once`, `3 times`, `at least 2 times`, `between 1 and 3 times`, …: the expectation in words. */
export function describeCount(count: CountSpec | undefined): string {
  const b = toBounds(count);
  if (typeof b === 'string') return '(invalid count)';
  if (b.min === b.max) return times(b.min);
  if (b.max === Infinity) return `at least ${times(b.min)}`;
  if (b.min === 0) return `at most ${times(b.max)}`;
  return `between ${b.min} and ${b.max} times`;
}

/** Partial credit for a count outside its bounds: how close it came, as a ratio. */
function countScore(actual: number, b: Bounds): number {
  if (actual < b.min) return actual / b.min;
  return actual === 0 ? 0 : b.max / actual;
}

/** The calls of `tool`, optionally only those whose args contain `args`. */
export function matchingCalls(calls: ToolCallEvent[], tool: string, args: Json | undefined): ToolCallEvent[] {
  return calls.filter((c) => c.name === tool && (args === undefined || subsetMatch(args, c.args)));
}

/** Tool names in call order, repeats collapsed as `name ×3`, for messages. */
export function summarizeCalls(calls: ToolCallEvent[]): string {
  if (calls.length === 0) return 'no tools were called';
  const parts: string[] = [];
  for (let i = 0; i < calls.length; ) {
    let j = i + 1;
    while (j < calls.length && calls[j]?.name === calls[i]?.name) j++;
    parts.push(j - i > 1 ? `${calls[i]?.name} ×${j - i}` : `${calls[i]?.name}`);
    i = j;
  }
  return `tools called: ${parts.join(', ')}`;
}

/**
 * `tool-called`: `tool` was called, by default at least once; `count` asks for an exact number or
 * `{ min, max }`; `args` counts only the calls whose arguments contain it (see `subsetMatch`).
 * A wrong count scores how close it came; the evidence lists the tool's calls.
 */
export const toolCalledAssertion: AssertionDefinition<'tool-called'> = {
  type: 'tool-called',
  describe: (spec) =>
    `tool ${spec.tool} called${spec.args !== undefined ? ` with ${formatJsonShort(spec.args)}` : ''}${spec.count !== undefined ? ` ${describeCount(spec.count)}` : ''}`,
  evaluate(spec, run) {
    if (typeof spec.tool !== 'string' || spec.tool === '') return errored('tool-called needs a `tool` name');
    const bounds = toBounds(spec.count);
    if (typeof bounds === 'string') return errored(`tool-called ${spec.tool}: ${bounds}`);
    const calls = toolCalls(run.timeline);
    const matching = matchingCalls(calls, spec.tool, spec.args);
    const n = matching.length;
    if (n >= bounds.min && n <= bounds.max) {
      return passed(`${spec.tool} was called ${times(n)}${spec.args !== undefined ? ' with matching arguments' : ''}`);
    }
    const withArgs = spec.args !== undefined ? ` with ${formatJsonShort(spec.args)}` : '';
    const ofTool = calls.filter((c) => c.name === spec.tool);
    const others = spec.args !== undefined && ofTool.length > 0 ? ` (${times(ofTool.length)} in all, with other arguments)` : '';
    return failed(
      `expected ${spec.tool} to be called${withArgs} ${describeCount(spec.count)}, it was called ${times(n)}${others}; ${summarizeCalls(calls)}`,
      { count: n, calls: ofTool.slice(0, 10).map((c) => ({ step: run.timeline.indexOf(c), args: c.args })) },
      countScore(n, bounds),
    );
  },
};
