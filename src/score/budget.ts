import { formatJsonShort } from './json-value.js';
import { errored, failed, passed, type AssertionOutcome } from './types.js';

/**
 * The verdict of an upper bound: `used` within `max` passes; over it fails, scoring `max / used` (how much of
 * what was used the budget covered). `unit` names a quantity in messages: `n => n === 1 ? 'step' : 'steps'`.
 */
export function withinBudget(label: string, used: number, max: number, unit: (n: number) => string): AssertionOutcome {
  if (typeof max !== 'number' || !Number.isFinite(max) || max < 0) {
    return errored(`${label}: max must be a number >= 0, got ${formatJsonShort(max)}`);
  }
  if (used <= max) return passed(`${used} ${unit(used)} (max ${max})`);
  return failed(`expected at most ${max} ${unit(max)}, used ${used}`, { used, max }, used > 0 ? max / used : 0);
}

/** A unit that adds `s` for any count but 1: `plural('step')(2)` → `steps`. */
export function plural(singular: string, suffix = ''): (n: number) => string {
  return (n) => `${singular}${n === 1 ? '' : 's'}${suffix}`;
}
