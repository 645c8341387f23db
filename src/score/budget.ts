import { formatJsonShort } from './json-value.js';
import { errored, failed, passed, type AssertionOutcome } from './types.js';

/**
 * The verdict of an upper bound: `used` within `max` passes; over it fails, scoring `max / used` (how much of
 * what was used the budget covered). `what` names the measure in messages: `steps`, `tool calls`, `ms`.
 */
export function withinBudget(label: string, used: number, max: number, what: string): AssertionOutcome {
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0) {
    return errored(`${label}: max must be a number >= 0, got ${formatJsonShort(max)}`);
  }
  if (used <= max) return passed(`${used} ${what} (max ${max})`);
  return failed(`expected at most ${max} ${what}, used ${used}`, { used, max }, used > 0 ? max / used : 0);
}
