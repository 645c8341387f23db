import type { Json } from '../model/json.js';
import type { AssertionSpec } from '../model/assertion.js';
import type { Case, CaseSource, CapturedOutcome, RedactionRecord, TimelineEvent } from '../model/case.js';
import { CASE_FORMAT, CASE_VERSION } from '../model/case.js';
import { redact, type RedactOptions } from '../capture/redact.js';
import type { ImportedRun } from '../import/trace-to-run.js';
import { inferFailureStep, type FailureStep } from './infer-failure.js';
import { slugify } from './names.js';
import { replayable } from './replay-case.js';
import { suggestAssertions, type Suggestion } from './suggest.js';

export interface DraftOptions {
  /** `--id`; derived from the title when absent. */
  id?: string;
  title?: string;
  /** `--at-step`. */
  atStep?: number;
  note?: string;
  /** Extra redaction rules (the built-in ones always apply). */
  redact?: RedactOptions;
}

/** A case before review: everything but the chosen assertions, plus the suggestions to choose from. */
export interface CaseDraft {
  /** The case with `assertions: []`; `finalizeCase` adds the chosen ones. */
  caseData: Case;
  suggestions: Suggestion[];
  /** How the failing step was found, when there is one. */
  failureStep?: FailureStep;
}

/**
 * Turns a run into a draft case: input, timeline and outcome redacted again with the capture redactor (in
 * one pass, so a secret gets one placeholder across input, tool calls and output, and replay matching still
 * works), tool calls made replayable, `source` filled in, the failing step given or inferred, and
 * assertions suggested from the failure. A run that was `ok` but is promoted with a note or a step is
 * recorded as `failed`: the person promoting it says it went wrong. Pure: no I/O.
 */
export function draftCase(imported: ImportedRun, options: DraftOptions = {}): CaseDraft {
  const { run } = imported;
  if (options.atStep !== undefined && (options.atStep < 0 || options.atStep >= Math.max(run.timeline.length, 1))) {
    throw new RangeError(`--at-step ${options.atStep} is outside the run's timeline (${run.timeline.length} steps, counted from 0)`);
  }
  const markedFailed = run.status === 'ok' && (options.note !== undefined || options.atStep !== undefined);
  const status: CapturedOutcome['status'] = markedFailed ? 'failed' : run.status;
  const failureStep =
    status === 'ok'
      ? undefined
      : inferFailureStep({
          timeline: run.timeline,
          ...(options.atStep !== undefined && { given: options.atStep }),
          ...(run.failure?.atStep !== undefined && { recorded: run.failure.atStep }),
          ...(run.error && { error: run.error }),
          ...(options.note !== undefined && { note: options.note }),
        });

  const outcome: CapturedOutcome = { status };
  if (run.output !== undefined) outcome.output = run.output;
  if (run.error) outcome.error = run.error;
  if (failureStep) outcome.failure = { atStep: failureStep.atStep, summary: failureSummary(imported, options.note) };

  const source: CaseSource = { ...imported.source };
  if (options.note !== undefined) source.note = options.note;

  // One redaction pass over everything that is written, so placeholders agree across the case.
  const content = { input: run.input, timeline: run.timeline.map(replayable), outcome, source } as unknown as Json;
  const { value, records } = redact(content, options.redact ?? {});
  const redacted = value as unknown as { input: Json; timeline: TimelineEvent[]; outcome: CapturedOutcome; source: CaseSource };

  const title = options.title ?? defaultTitle(imported, options.note, redacted.outcome);
  const caseData: Case = {
    format: CASE_FORMAT,
    version: CASE_VERSION,
    id: options.id ?? slugify(title),
    title,
    source: redacted.source,
    input: redacted.input,
    timeline: redacted.timeline,
    outcome: redacted.outcome,
    assertions: [],
  };
  const redactions = mergeRedactions(remapRunRedactions(run.redactions ?? []), records);
  if (redactions.length > 0) caseData.redactions = redactions;

  // Suggestions come from the redacted case, so no suggested value can carry a secret.
  const suggestions = suggestAssertions({
    timeline: caseData.timeline,
    outcome: caseData.outcome,
    ...(failureStep && { atStep: failureStep.atStep }),
    ...(caseData.source?.note !== undefined && { note: caseData.source.note }),
  });
  return failureStep ? { caseData, suggestions, failureStep } : { caseData, suggestions };
}

/** The final case: the draft with the chosen assertions (and the reviewed title), fields in file order. */
export function finalizeCase(draft: CaseDraft, assertions: AssertionSpec[], extras: { title?: string; schema?: string } = {}): Case {
  const { caseData } = draft;
  const out: Case = {
    ...(extras.schema !== undefined && { $schema: extras.schema }),
    format: caseData.format,
    version: caseData.version,
    id: caseData.id,
    title: extras.title ?? caseData.title,
  } as Case;
  if (caseData.tags) out.tags = caseData.tags;
  if (caseData.source) out.source = caseData.source;
  out.input = caseData.input;
  out.timeline = caseData.timeline;
  out.outcome = caseData.outcome;
  out.assertions = assertions;
  if (caseData.redactions) out.redactions = caseData.redactions;
  return out;
}

function failureSummary(imported: ImportedRun, note: string | undefined): string {
  const { run } = imported;
  if (run.failure?.summary) return run.failure.summary;
  if (note) return note;
  if (run.error) return `the agent threw ${run.error.name ?? 'an error'}: ${run.error.message}`;
  return 'marked as failing when promoted';
}

function defaultTitle(imported: ImportedRun, note: string | undefined, outcome: CapturedOutcome): string {
  const text = outcome.failure?.summary ?? note ?? (outcome.error ? `${outcome.error.name ?? 'Error'}: ${outcome.error.message}` : `Run ${imported.run.runId}`);
  const firstSentence = text.split(/(?<=[.!?])\s/)[0] ?? text;
  return firstSentence.length > 100 ? `${firstSentence.slice(0, 99)}…` : firstSentence;
}

/** A run's pointers (`/output`, `/error`, `/failure`, `/metadata`) as pointers into the case. */
function remapRunRedactions(records: RedactionRecord[]): RedactionRecord[] {
  return records.map((r) => ({
    ...r,
    pointers: r.pointers.map((p) =>
      p.replace(/^\/(output|error|failure)(?=\/|$)/, '/outcome/$1').replace(/^\/metadata(?=\/|$)/, '/source/attributes/metadata'),
    ),
  }));
}

function mergeRedactions(earlier: RedactionRecord[], later: RedactionRecord[]): RedactionRecord[] {
  const byPlaceholder = new Map<string, RedactionRecord>();
  for (const record of [...earlier, ...later]) {
    const known = byPlaceholder.get(record.placeholder);
    if (!known) byPlaceholder.set(record.placeholder, { ...record, pointers: [...record.pointers] });
    else for (const p of record.pointers) if (!known.pointers.includes(p)) known.pointers.push(p);
  }
  return [...byPlaceholder.values()];
}
