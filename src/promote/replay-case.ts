import type { Case, TimelineEvent } from '../model/case.js';
import { CASE_FORMAT, CASE_VERSION } from '../model/case.js';
import type { ImportedRun } from '../import/trace-to-run.js';

/**
 * An in-memory case for `rehearse replay`: the run's input and timeline as recorded (not redacted: it is
 * never written, and the agent must see the real input for its calls to match), its outcome, and only a
 * `no-error` assertion. Pure.
 */
export function caseFromRun(imported: ImportedRun): Case {
  const { run, source } = imported;
  const outcome: Case['outcome'] = { status: run.status };
  if (run.output !== undefined) outcome.output = run.output;
  if (run.error) outcome.error = run.error;
  if (run.status !== 'ok' && run.timeline.length > 0) {
    const atStep = run.failure?.atStep ?? run.timeline.length - 1;
    outcome.failure = { atStep: Math.min(atStep, run.timeline.length - 1), summary: run.failure?.summary ?? run.error?.message ?? 'captured as failing' };
  }
  return {
    format: CASE_FORMAT,
    version: CASE_VERSION,
    id: 'replay',
    title: run.failure?.summary ?? `${source.kind} ${source.runId ?? source.traceId ?? run.runId}`,
    source,
    input: run.input,
    timeline: run.timeline.map(replayable),
    outcome,
    assertions: [{ type: 'no-error' }],
  };
}

/** Every tool call answers with a result or an error on replay; a call recorded with neither returns null. */
export function replayable(event: TimelineEvent): TimelineEvent {
  if (event.type !== 'tool' || event.error || event.result !== undefined) return event;
  return { ...event, result: null };
}
