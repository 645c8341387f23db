import type { Json } from '../model/json.js';
import type { RunArtifact } from '../model/run-artifact.js';
import { redact, type RedactOptions } from './redact.js';

/**
 * Redacts the parts of a run that hold data (input, timeline, output, error, failure, metadata) and merges
 * the records with any the run already had. Pointers are into the run artifact (`/timeline/2/args/email`).
 *
 * Its own module because the capture writer thread runs it too (see writer-worker.ts), and that thread's
 * code should hold redaction and file writing, nothing else.
 */
export function redactRun(run: RunArtifact, options: RedactOptions = {}): RunArtifact {
  const { input, timeline, output, error, failure, metadata } = run;
  const content: Record<string, unknown> = { input, timeline };
  // Absent fields stay absent (and no `delete` afterwards, which would slow every later read of the object).
  if (output !== undefined) content['output'] = output;
  if (error !== undefined) content['error'] = error;
  if (failure !== undefined) content['failure'] = failure;
  if (metadata !== undefined) content['metadata'] = metadata;
  const { value, records } = redact(content as Json, options);
  const redacted = { ...run, ...(value as Partial<RunArtifact>) };
  if (records.length > 0 || run.redactions) redacted.redactions = [...(run.redactions ?? []), ...records];
  return redacted;
}
