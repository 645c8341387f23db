import type { ModelCallEvent, TimelineEvent } from '../model/case.js';
import { requestIdentity } from './request-key.js';

/** How a model call was matched to the recording. */
export type ModelMatch =
  | { kind: 'exact'; event: ModelCallEvent; recordedStep: number }
  /** The call at the same position in the recording, whose request differs: answered, but flagged. */
  | { kind: 'drift'; event: ModelCallEvent; recordedStep: number; message: string }
  | { kind: 'miss'; reason: string };

interface Slot {
  event: ModelCallEvent;
  step: number;
  used: boolean;
  identity?: string;
}

/**
 * Answers model calls from the recorded ones, tier by tier: first an unused recorded call with the same
 * request (model, messages, tools, answer-changing params), then the recorded call at the same position
 * (the n-th model call of the run) when it is still unused. Anything else is a miss: a call past the
 * recording is never answered silently. Pure: no I/O.
 */
export class ModelMatcher {
  readonly #slots: Slot[] = [];
  #calls = 0;

  constructor(recorded: readonly TimelineEvent[]) {
    recorded.forEach((event, step) => {
      if (event.type === 'model') this.#slots.push({ event, step, used: false });
    });
  }

  /** Number of model calls in the recording. */
  get recordedCount(): number {
    return this.#slots.length;
  }

  match(model: string | undefined, request: ModelCallEvent['request']): ModelMatch {
    const position = this.#calls++;
    const identity = requestIdentity(model, request);
    for (const slot of this.#slots) {
      if (slot.used) continue;
      // Identities of recorded calls are computed on first need: most cases never make a model call.
      slot.identity ??= requestIdentity(slot.event.model, slot.event.request);
      if (slot.identity === identity) {
        slot.used = true;
        return { kind: 'exact', event: slot.event, recordedStep: slot.step };
      }
    }
    const same = this.#slots[position];
    if (same && !same.used) {
      same.used = true;
      return { kind: 'drift', event: same.event, recordedStep: same.step, message: describeDrift(position, same, model, request) };
    }
    const n = this.#slots.length;
    return {
      kind: 'miss',
      reason:
        position >= n
          ? `model call #${position + 1} (${model ?? 'unknown model'}) is past the recording, which has ${n} model call${n === 1 ? '' : 's'}`
          : `model call #${position + 1} (${model ?? 'unknown model'}) matches no unused recorded call, and recorded call #${position + 1} was already used`,
    };
  }
}

/** Says what changed between the recorded request and this one, in one line. */
function describeDrift(position: number, slot: Slot, model: string | undefined, request: ModelCallEvent['request']): string {
  const recorded = slot.event.request;
  const parts: string[] = [];
  if ((slot.event.model ?? undefined) !== model) parts.push(`model ${slot.event.model ?? '(none)'} → ${model ?? '(none)'}`);
  if (JSON.stringify(recorded.messages) !== JSON.stringify(request.messages)) {
    const at = firstDifferentMessage(recorded.messages, request.messages);
    parts.push(`messages differ from message ${at + 1} (${recorded.messages.length} recorded, ${request.messages.length} now)`);
  }
  if (JSON.stringify(recorded.tools ?? []) !== JSON.stringify(request.tools ?? [])) parts.push('tools differ');
  if (parts.length === 0) parts.push('parameters differ');
  return `model call #${position + 1} was answered with the recorded answer of step ${slot.step}, but its request changed (${parts.join('; ')}): this replays the old answer, it does not test the new prompt`;
}

function firstDifferentMessage(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
  return n;
}
