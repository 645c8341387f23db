import type { RecordedError, TimelineEvent } from '../model/case.js';

/** How the failing step was found, shown to the person promoting the run. */
export type FailureStepSource = 'given' | 'recorded' | 'tool-error' | 'before-error' | 'note' | 'last';

export interface FailureStep {
  atStep: number;
  source: FailureStepSource;
}

export interface FailureStepInput {
  timeline: readonly TimelineEvent[];
  /** `--at-step`. */
  given?: number;
  /** The step the application named when it marked the run failed. */
  recorded?: number;
  /** The error the run threw, if it did. */
  error?: RecordedError;
  note?: string;
}

/**
 * The step where the run went wrong: the one given, else the one the application recorded, else the first
 * tool call that threw, else (for a run that threw) its last step before the error, else the last call of a
 * tool the note names (or a `step N` it mentions), else the last step. Undefined for an empty timeline.
 * Pure.
 */
export function inferFailureStep(input: FailureStepInput): FailureStep | undefined {
  const { timeline } = input;
  if (timeline.length === 0) return undefined;
  const last = timeline.length - 1;
  if (input.given !== undefined) return { atStep: input.given, source: 'given' };
  if (input.recorded !== undefined && input.recorded <= last) return { atStep: input.recorded, source: 'recorded' };
  const toolError = timeline.findIndex((e) => e.type === 'tool' && e.error !== undefined);
  if (toolError >= 0) return { atStep: toolError, source: 'tool-error' };
  if (input.error) return { atStep: last, source: 'before-error' };
  const named = input.note ? stepNamedByNote(timeline, input.note) : undefined;
  if (named !== undefined) return { atStep: named, source: 'note' };
  return { atStep: last, source: 'last' };
}

/** `step 4` in the note, or the last call of the tool whose name the note mentions (longest name first). */
export function stepNamedByNote(timeline: readonly TimelineEvent[], note: string): number | undefined {
  const explicit = /\bstep\s+(\d+)\b/i.exec(note);
  if (explicit) {
    const step = Number(explicit[1]);
    if (step < timeline.length) return step;
  }
  const tools = [...new Set(timeline.flatMap((e) => (e.type === 'tool' ? [e.name] : [])))].sort((a, b) => b.length - a.length);
  const lower = note.toLowerCase();
  const tool = tools.find((name) => lower.includes(name.toLowerCase()));
  if (tool === undefined) return undefined;
  for (let i = timeline.length - 1; i >= 0; i--) {
    const event = timeline[i]!;
    if (event.type === 'tool' && event.name === tool) return i;
  }
  return undefined;
}
