import { readFile } from 'node:fs/promises';
import type { RunArtifact } from '../model/run-artifact.js';
import type { CaseSource } from '../model/case.js';
import { validateRun } from '../capture/run-schema.js';
import { isOtlpExport, tracesFromExports, TraceFormatError, type Trace } from './otlp.js';
import { ImportError, traceToRun, type ImportedRun } from './trace-to-run.js';

/** Which run of a file to take: by run id (our runs) or trace id (traces). */
export interface RunSelector {
  runId?: string;
  traceId?: string;
}

/** What a file holds: captured runs and traces, each not yet converted. */
export interface SourceContents {
  runs: RunArtifact[];
  traces: Trace[];
}

/**
 * Reads a run file (`.run.json`), a JSONL stream of runs, an OTLP/JSON trace export, or a JSONL file with
 * one export per line. Runs are checked against the run schema. Throws `ImportError` naming the file (and
 * line) for anything else.
 */
export async function readSource(file: string): Promise<SourceContents> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ImportError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const docs = parseDocuments(text, file);
  const runs: RunArtifact[] = [];
  const exports: unknown[] = [];
  for (const { value, line } of docs) {
    const where = line === undefined ? file : `${file}:${line}`;
    if (isRunLike(value)) {
      const issues = await validateRun(value);
      if (issues.length > 0) throw new ImportError(`${where}: not a valid rehearse run: ${issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`);
      runs.push(value as RunArtifact);
    } else if (isOtlpExport(value)) {
      exports.push(value);
    } else {
      throw new ImportError(`${where}: neither a rehearse run ("format": "rehearse.run") nor an OTLP/JSON trace export ({ "resourceSpans": [...] })`);
    }
  }
  let traces: Trace[] = [];
  try {
    traces = tracesFromExports(exports, file);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new ImportError(error.message);
    throw error;
  }
  return { runs, traces };
}

/**
 * Reads a file and returns the one run it holds, or the one the selector names. A file with several runs
 * or traces and no selector is refused with the ids to choose from.
 */
export async function loadRun(file: string, selector: RunSelector = {}): Promise<ImportedRun> {
  const { runs, traces } = await readSource(file);
  if (selector.runId !== undefined) {
    const run = runs.find((r) => r.runId === selector.runId);
    if (run) return fromCapturedRun(run);
    const trace = traces.find((t) => t.traceId === selector.runId);
    if (trace) return traceToRun(trace, file);
    throw new ImportError(`${file}: no run with id ${selector.runId}; it holds ${describeIds(runs, traces)}`);
  }
  if (selector.traceId !== undefined) {
    const wanted = selector.traceId.toLowerCase();
    const trace = traces.find((t) => t.traceId === wanted);
    if (trace) return traceToRun(trace, file);
    throw new ImportError(`${file}: no trace with id ${selector.traceId}; it holds ${describeIds(runs, traces)}`);
  }
  const total = runs.length + traces.length;
  if (total === 0) throw new ImportError(`${file}: holds no runs and no spans`);
  if (total > 1) {
    const flag = traces.length > 0 && runs.length === 0 ? '--trace-id' : runs.length > 0 && traces.length === 0 ? '--run-id' : '--run-id or --trace-id';
    throw new ImportError(`${file}: holds ${describeIds(runs, traces)}; pick one with ${flag} ID`);
  }
  return runs[0] ? fromCapturedRun(runs[0]) : traceToRun(traces[0]!, file);
}

/** A run captured by rehearse, with its `source` derived from the run itself. */
export function fromCapturedRun(run: RunArtifact): ImportedRun {
  const imported = run.metadata?.['importedFrom'];
  if (imported && typeof imported === 'object' && !Array.isArray(imported) && typeof imported['kind'] === 'string') {
    // A run `rehearse import` wrote from a trace: its source is the trace, as if promoted from the export.
    const { importedFrom: _, ...metadata } = run.metadata!;
    const source: CaseSource = { kind: imported['kind'], traceId: run.runId, capturedAt: run.startedAt };
    const attributes = imported['attributes'];
    if (attributes && typeof attributes === 'object' && !Array.isArray(attributes)) source.attributes = attributes;
    const version = run.agent.version ?? run.agent.commit;
    if (version) source.agentVersion = run.agent.name ? `${run.agent.name} ${version}` : version;
    const rest: RunArtifact = { ...run };
    if (Object.keys(metadata).length > 0) rest.metadata = metadata;
    else delete rest.metadata;
    return { run: rest, source };
  }
  const source: CaseSource = { kind: 'capture', runId: run.runId, capturedAt: run.startedAt };
  const version = [run.agent.name, run.agent.version, run.agent.commit && `(${run.agent.commit.slice(0, 12)})`].filter(Boolean).join(' ');
  if (version) source.agentVersion = version;
  const attributes = { ...(run.environment !== undefined && { environment: run.environment }), ...(run.metadata && { metadata: run.metadata }) };
  if (Object.keys(attributes).length > 0) source.attributes = attributes;
  return { run, source };
}

function describeIds(runs: RunArtifact[], traces: Trace[]): string {
  const parts: string[] = [];
  const list = (ids: string[]): string => (ids.length > 5 ? `${ids.slice(0, 5).join(', ')}, … (${ids.length - 5} more)` : ids.join(', '));
  if (runs.length > 0) parts.push(`${runs.length} run${runs.length === 1 ? '' : 's'} (${list(runs.map((r) => r.runId))})`);
  if (traces.length > 0) parts.push(`${traces.length} trace${traces.length === 1 ? '' : 's'} (${list(traces.map((t) => t.traceId))})`);
  return parts.length > 0 ? parts.join(' and ') : 'nothing';
}

function isRunLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'rehearse.run';
}

/** One JSON document, or JSONL (one per non-empty line). */
function parseDocuments(text: string, file: string): { value: unknown; line?: number }[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) ? value.map((v) => ({ value: v })) : [{ value }];
  } catch {
    // Not one document: try JSONL.
  }
  const out: { value: unknown; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      out.push({ value: JSON.parse(line), line: i + 1 });
    } catch (error) {
      throw new ImportError(`${file}:${i + 1}: not valid JSON (the file is neither one JSON document nor JSON Lines): ${(error as Error).message}`);
    }
  }
  return out;
}
