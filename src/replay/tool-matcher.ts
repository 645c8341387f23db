import type { ToolCallEvent, ToolMatchPolicy } from '../model/case.js';
import { canonicalJson, jsonEqual } from '../case/canonical-json.js';
import { omitPointers } from '../case/json-pointer.js';
import { argDistance } from './arg-distance.js';

/** A recorded tool call and where it stood in the captured timeline. */
export interface RecordedCall {
  step: number;
  event: ToolCallEvent;
}

export type MatchOutcome =
  | { kind: 'hit'; recorded: RecordedCall }
  | { kind: 'live' }
  | { kind: 'miss'; reason: string; nearest?: RecordedCall };

export interface ToolMatcherOptions {
  /** Policy per tool name. */
  tools?: Record<string, ToolMatchPolicy>;
  /** @default { match: 'exact' } */
  defaultTool?: ToolMatchPolicy;
}

const EXACT: ToolMatchPolicy = { match: 'exact' };

/**
 * Answers tool calls from a recording, one replay attempt at a time (it is stateful: every recorded call
 * is served at most once, so repeated identical calls get their recorded results in recorded order).
 * Pure: no I/O, no clock.
 */
export class ToolMatcher {
  readonly #policies: Record<string, ToolMatchPolicy>;
  readonly #defaultPolicy: ToolMatchPolicy;
  /** Recorded calls per tool name, in recorded order. */
  readonly #byTool = new Map<string, RecordedCall[]>();
  readonly #used = new Set<RecordedCall>();
  /** For `exact`/`ignore`: unused calls per tool, keyed by canonical (ignored-pointer-free) arguments. */
  readonly #byKey = new Map<string, Map<string, RecordedCall[]>>();
  readonly #callCounts = new Map<string, number>();

  constructor(timeline: readonly { type: string }[], options: ToolMatcherOptions = {}) {
    this.#policies = options.tools ?? {};
    this.#defaultPolicy = options.defaultTool ?? EXACT;
    timeline.forEach((event, step) => {
      if (event.type !== 'tool') return;
      const call: RecordedCall = { step, event: event as ToolCallEvent };
      let list = this.#byTool.get(call.event.name);
      if (!list) this.#byTool.set(call.event.name, (list = []));
      list.push(call);
    });
  }

  policyFor(tool: string): ToolMatchPolicy {
    return this.#policies[tool] ?? this.#defaultPolicy;
  }

  /** Finds the recorded answer to a call and marks it used. */
  match(tool: string, args: unknown): MatchOutcome {
    const policy = this.policyFor(tool);
    const nth = (this.#callCounts.get(tool) ?? 0) + 1;
    this.#callCounts.set(tool, nth);
    if (policy.match === 'live') return { kind: 'live' };
    const recorded = this.#byTool.get(tool) ?? [];
    if (recorded.length === 0) return { kind: 'miss', reason: `the recording has no call to tool "${tool}"` };

    let found: RecordedCall | undefined;
    switch (policy.match) {
      case 'exact':
        // A tool has few recorded calls: comparing in place beats building canonical keys for all of them.
        found = recorded.find((c) => !this.#used.has(c) && jsonEqual(args, c.event.args));
        break;
      case 'ignore': {
        const ignore = policy.ignore;
        const queue = this.#keyIndex(tool, ignore).get(keyOf(args, ignore));
        found = queue?.find((c) => !this.#used.has(c));
        break;
      }
      case 'sequential':
        found = recorded[nth - 1];
        break;
      case 'nearest': {
        let best = Infinity;
        for (const call of recorded) {
          if (this.#used.has(call)) continue;
          const d = argDistance(args, call.event.args);
          if (d < best) [best, found] = [d, call];
        }
        break;
      }
    }
    if (found && !this.#used.has(found)) {
      this.#used.add(found);
      return { kind: 'hit', recorded: found };
    }
    return { kind: 'miss', reason: this.#missReason(tool, policy, nth, recorded.length), nearest: this.nearest(tool, args) };
  }

  /** The recorded call of `tool` whose arguments differ least from `args` (used or not), for reports. */
  nearest(tool: string, args: unknown): RecordedCall | undefined {
    let best: RecordedCall | undefined;
    let bestDistance = Infinity;
    for (const call of this.#byTool.get(tool) ?? []) {
      const d = argDistance(args, call.event.args);
      if (d < bestDistance) [bestDistance, best] = [d, call];
    }
    return best;
  }

  #keyIndex(tool: string, ignore: readonly string[]): Map<string, RecordedCall[]> {
    let index = this.#byKey.get(tool);
    if (!index) {
      index = new Map();
      for (const call of this.#byTool.get(tool) ?? []) {
        const key = keyOf(call.event.args, ignore);
        const queue = index.get(key);
        if (queue) queue.push(call);
        else index.set(key, [call]);
      }
      this.#byKey.set(tool, index);
    }
    return index;
  }

  #missReason(tool: string, policy: ToolMatchPolicy, nth: number, recordedCount: number): string {
    switch (policy.match) {
      case 'sequential':
        return `call ${nth} of tool "${tool}" is past the recording (${recordedCount} recorded)`;
      case 'nearest':
        return `every recorded call of tool "${tool}" (${recordedCount}) was already used`;
      default:
        return `no unused recorded call of tool "${tool}" has these arguments`;
    }
  }
}

function keyOf(args: unknown, ignore: readonly string[]): string {
  return canonicalJson(ignore.length > 0 ? omitPointers(args, ignore) : args);
}

