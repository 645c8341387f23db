import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliAssets, CliIo } from '../main.js';
import { UsageError } from '../usage-error.js';
import { ImportError, readSource, traceToRun } from '../../import/index.js';
import { DEFAULT_RUNS_DIR, runFileName } from '../../capture/sinks.js';
import { validateRun } from '../../capture/run-schema.js';

const USAGE = 'usage: rehearse import <trace-file> [--trace-id ID] [--out DIR]';

/**
 * `rehearse import`: converts the traces in an OTLP/JSON export (OpenTelemetry GenAI, Vercel AI SDK or
 * OpenInference spans) into run files, one per trace, in the directory `capture()` writes to, so they can be
 * listed, promoted and replayed like captured runs. Traces are not redacted here (promote redacts).
 * Exit codes: 0 every trace imported, 1 some could not be, 2 none could be (or a usage problem).
 */
export async function run(argv: string[], io: CliIo, _assets: CliAssets): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { 'trace-id': { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`import takes one trace file\n${USAGE}`);
  const outDir = resolve(io.cwd, values.out ?? DEFAULT_RUNS_DIR);
  let traces;
  try {
    traces = (await readSource(resolve(io.cwd, file))).traces;
  } catch (error) {
    if (error instanceof ImportError) {
      io.stderr.write(`rehearse: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (values['trace-id'] !== undefined) {
    const wanted = values['trace-id'].toLowerCase();
    traces = traces.filter((t) => t.traceId === wanted);
    if (traces.length === 0) {
      io.stderr.write(`rehearse: ${file}: no trace with id ${values['trace-id']}\n`);
      return 2;
    }
  }
  if (traces.length === 0) {
    io.stderr.write(`rehearse: ${file}: no traces to import (the file holds runs already, or no spans)\n`);
    return 2;
  }

  let imported = 0;
  for (const trace of traces) {
    try {
      const { run: artifact, source } = traceToRun(trace, file);
      // The source bag rides along as metadata: a run has no `source`, and promote reads it back.
      artifact.metadata = { ...artifact.metadata, importedFrom: { kind: source.kind, ...(source.attributes && { attributes: source.attributes }) } };
      const issues = await validateRun(artifact);
      if (issues.length > 0) throw new ImportError(`trace ${trace.traceId} produced an invalid run: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}`);
      await mkdir(outDir, { recursive: true });
      const path = join(outDir, runFileName(artifact));
      await writeFile(path, `${JSON.stringify(artifact, null, 2)}\n`);
      imported++;
      const steps = artifact.timeline.length;
      io.stdout.write(`${relative(io.cwd, path).split(sep).join('/')}  (${source.kind}, ${steps} step${steps === 1 ? '' : 's'}, ${artifact.status})\n`);
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      io.stderr.write(`rehearse: ${error.message}\n`);
    }
  }
  if (imported > 0) io.stdout.write(`Imported ${imported} of ${traces.length} trace${traces.length === 1 ? '' : 's'}. Promote one with: npx rehearse promote <run file> --suite NAME\n`);
  return imported === traces.length ? 0 : imported > 0 ? 1 : 2;
}
