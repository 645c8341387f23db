import type { AttemptResult, CaseResult, Json, TrajectoryStep } from '../model/index.js';

/** Where a replayed tool sequence first departs from the recorded one. Steps are 0-based indexes. */
export interface TrajectoryDeparture {
  step: number;
  /** `tool`: a different tool; `args`: same tool, other arguments; `missing`: the replay stopped; `extra`: the replay went on. */
  kind: 'tool' | 'args' | 'missing' | 'extra';
  recorded?: TrajectoryStep;
  replayed?: TrajectoryStep;
}

/**
 * The tool calls of a replayed attempt, in order. A divergence on a tool call the recording could not
 * answer is appended as a failed step when the timeline does not already end with it.
 */
export function replayedTrajectory(attempt: Pick<AttemptResult, 'timeline' | 'divergence'>): TrajectoryStep[] {
  const steps: TrajectoryStep[] = [];
  for (const event of attempt.timeline) {
    if (event.type !== 'tool') continue;
    steps.push(event.error ? { tool: event.name, args: event.args, failed: true } : { tool: event.name, args: event.args });
  }
  const divergence = attempt.divergence;
  if (divergence?.kind === 'unmatched-tool-call' && divergence.tool !== undefined) {
    const last = steps[steps.length - 1];
    const args = divergence.args ?? null;
    if (!last || last.tool !== divergence.tool || !sameJson(last.args, args)) {
      steps.push({ tool: divergence.tool, args, failed: true });
    } else {
      last.failed = true;
    }
  }
  return steps;
}

/** Compares two tool sequences step by step; undefined when they are the same. */
export function firstDeparture(recorded: TrajectoryStep[], replayed: TrajectoryStep[]): TrajectoryDeparture | undefined {
  const length = Math.max(recorded.length, replayed.length);
  for (let step = 0; step < length; step++) {
    const r = recorded[step];
    const p = replayed[step];
    if (!r) return { step, kind: 'extra', replayed: p };
    if (!p) return { step, kind: 'missing', recorded: r };
    if (r.tool !== p.tool) return { step, kind: 'tool', recorded: r, replayed: p };
    if (!sameJson(r.args, p.args) || (p.failed && !r.failed)) {
      return { step, kind: 'args', recorded: r, replayed: p };
    }
  }
  return undefined;
}

/**
 * The attempt a report should draw for a case: for a case that now fails, its first failing attempt; for
 * one that now passes, its first passing attempt; else the first.
 */
export function representativeAttempt(result: CaseResult): AttemptResult | undefined {
  const wantPass = result.status === 'passed';
  return result.attempts.find((a) => (a.status === 'passed') === wantPass) ?? result.attempts[0];
}

/** Recorded vs replayed trajectory of a case's representative attempt, with where they part. */
export interface TrajectoryComparison {
  recorded: TrajectoryStep[];
  replayed: TrajectoryStep[];
  departure?: TrajectoryDeparture;
}

/** Undefined when the case has no recorded trajectory or no attempt to compare it with. */
export function compareTrajectories(result: CaseResult): TrajectoryComparison | undefined {
  const attempt = representativeAttempt(result);
  if (!result.recordedTrajectory || !attempt) return undefined;
  const replayed = replayedTrajectory(attempt);
  const departure = firstDeparture(result.recordedTrajectory, replayed);
  return departure ? { recorded: result.recordedTrajectory, replayed, departure } : { recorded: result.recordedTrajectory, replayed };
}

/**
 * One plain-text line for a departure, 1-based as people count steps. Tool names are untrusted: callers
 * escape the result for their medium.
 */
export function describeDeparture(d: TrajectoryDeparture): string {
  const n = d.step + 1;
  switch (d.kind) {
    case 'tool':
      return `step ${n}: called ${d.replayed?.tool} instead of ${d.recorded?.tool}`;
    case 'args':
      return d.replayed?.failed && !d.recorded?.failed && sameJson(d.replayed.args, d.recorded?.args)
        ? `step ${n}: ${d.replayed.tool} failed`
        : `step ${n}: ${d.replayed?.tool} with different arguments`;
    case 'missing':
      return `step ${n}: stopped before ${d.recorded?.tool}`;
    case 'extra':
      return `step ${n}: extra call to ${d.replayed?.tool}`;
  }
}

/** JSON with object keys sorted, so argument comparisons ignore key order. */
export function canonicalJson(value: Json | undefined): string {
  return JSON.stringify(sortKeys(value ?? null));
}

/** Deep equality of JSON values, ignoring key order. Most compared values are written alike, so try that first. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || canonicalJson(a) === canonicalJson(b);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key] as Json);
    return out;
  }
  return value;
}
