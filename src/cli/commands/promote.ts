import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AssertionSpec } from '../../model/assertion.js';
import type { CliAssets, CliIo } from '../main.js';
import { UsageError } from '../usage-error.js';
import { ImportError, loadRun } from '../../import/index.js';
import {
  assertionProblem,
  casePath,
  draftCase,
  finalizeCase,
  parseSpec,
  PromoteError,
  renderSuggestions,
  reviewSuggestions,
  schemaRef,
  writeCase,
  type CaseDraft,
} from '../../promote/index.js';

const USAGE = `usage: rehearse promote <run-or-trace-file> --suite NAME [--id ID] [--title TEXT] [--at-step N] [--note TEXT]
                        [--run-id ID | --trace-id ID] [--assert JSON]... [--yes] [--force]`;

/** Where the interactive review reads from; a terminal unless a test hands in a stream. */
export interface PromoteTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Overrides the TTY check (tests drive the review through a stream). */
  interactive?: boolean;
}

/** `rehearse promote`: reviews and writes one run as `suites/<suite>/<id>.case.json`. */
export function run(argv: string[], io: CliIo, assets: CliAssets): Promise<number> {
  return promote(argv, io, assets, { input: process.stdin });
}

/** The command with its terminal passed in. Exit codes: 0 written, 1 cancelled in review, 2 usage or input problem. */
export async function promote(argv: string[], io: CliIo, assets: CliAssets, terminal: PromoteTerminal): Promise<number> {
  const { values, positionals } = parseOrThrow(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        suite: { type: 'string', short: 's' },
        id: { type: 'string' },
        title: { type: 'string' },
        'at-step': { type: 'string' },
        note: { type: 'string' },
        'run-id': { type: 'string' },
        'trace-id': { type: 'string' },
        assert: { type: 'string', multiple: true },
        yes: { type: 'boolean', short: 'y', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`promote takes one run or trace file\n${USAGE}`);
  if (!values.suite) throw new UsageError(`promote needs --suite NAME (the folder under suites/ the case goes in)\n${USAGE}`);
  if (values['run-id'] !== undefined && values['trace-id'] !== undefined) throw new UsageError('pass --run-id or --trace-id, not both');
  let atStep: number | undefined;
  if (values['at-step'] !== undefined) {
    atStep = Number(values['at-step']);
    if (!Number.isInteger(atStep) || atStep < 0) throw new UsageError(`--at-step must be a step index (0 or more); got "${values['at-step']}"`);
  }

  let draft: CaseDraft;
  try {
    const imported = await loadRun(resolve(io.cwd, file), {
      ...(values['run-id'] !== undefined && { runId: values['run-id'] }),
      ...(values['trace-id'] !== undefined && { traceId: values['trace-id'] }),
    });
    draft = draftCase(imported, {
      ...(values.id !== undefined && { id: values.id }),
      ...(values.title !== undefined && { title: values.title }),
      ...(atStep !== undefined && { atStep }),
      ...(values.note !== undefined && { note: values.note }),
    });
  } catch (error) {
    if (error instanceof ImportError || error instanceof RangeError) return fail(io, error.message);
    throw error;
  }

  let path: string;
  try {
    path = casePath(io.cwd, values.suite, draft.caseData.id);
  } catch (error) {
    if (error instanceof PromoteError) throw new UsageError(error.message);
    throw error;
  }
  const display = relative(io.cwd, path).split(sep).join('/');
  const validate = (spec: unknown): string | undefined => assertionProblem(draft.caseData, spec);
  const extra: AssertionSpec[] = [];
  for (const text of values.assert ?? []) {
    const spec = parseSpec(text, validate);
    if (typeof spec === 'string') throw new UsageError(`--assert ${text}: ${spec}`);
    extra.push(spec);
  }

  describeDraft(draft, display, io);
  if (!values.force && (await exists(path))) return fail(io, `${display} already exists; pass --force to replace it, or choose another --id`);

  let assertions: AssertionSpec[];
  let title = draft.caseData.title;
  const interactive = terminal.interactive ?? Boolean(terminal.input.isTTY && io.stdout.isTTY);
  if (values.yes) {
    io.stdout.write(`Suggested assertions (accepted with --yes):\n${renderSuggestions(draft.suggestions)}`);
    assertions = [...draft.suggestions.filter((s) => s.accepted).map((s) => s.spec), ...extra];
  } else if (interactive) {
    const withExtra = [...draft.suggestions, ...extra.map((spec) => ({ spec, why: 'from --assert', accepted: true }))];
    const reviewed = await reviewSuggestions(withExtra, { title, target: display, validate, input: terminal.input, output: io.stdout });
    if (!reviewed) {
      io.stderr.write('rehearse: promote cancelled; nothing was written\n');
      return 1;
    }
    assertions = reviewed.assertions;
    title = reviewed.title;
  } else {
    io.stdout.write(`Suggested assertions:\n${renderSuggestions(draft.suggestions)}`);
    throw new UsageError('promote has no terminal to review the suggested assertions on; pass --yes to accept them (add more with --assert \'<json>\')');
  }

  const schemaFile = fileURLToPath(new URL('../schema/case.schema.json', assets.workerUrl));
  const caseData = finalizeCase(draft, assertions, { title, schema: schemaRef(path, io.cwd, schemaFile) });
  try {
    await writeCase(path, caseData, { force: values.force, displayPath: display });
  } catch (error) {
    if (error instanceof PromoteError) return fail(io, error.message);
    throw error;
  }
  const redactions = caseData.redactions?.length ?? 0;
  io.stdout.write(
    `\nWrote ${display} (${caseData.timeline.length} steps, ${assertions.length} assertion${assertions.length === 1 ? '' : 's'}, ${redactions} redaction${redactions === 1 ? '' : 's'})\n` +
      `Run just this case:\n  npx rehearse run ${display}\n`,
  );
  return 0;
}

function describeDraft(draft: CaseDraft, display: string, io: CliIo): void {
  const { caseData, failureStep } = draft;
  const source = caseData.source;
  const from = source?.runId ? `run ${source.runId}` : source?.traceId ? `trace ${source.traceId}` : 'run';
  const lines = [`Promoting ${from} (${source?.kind ?? 'unknown'}, ${caseData.outcome.status}) to ${display}`, `Title: ${caseData.title}`];
  if (failureStep) {
    const event = caseData.timeline[failureStep.atStep];
    const what = event?.type === 'tool' ? `${event.name} ${JSON.stringify(event.args)}${event.error ? ` threw ${event.error.name ?? 'Error'}` : ''}` : event?.type === 'model' ? 'model call' : '';
    lines.push(`Failing step: ${failureStep.atStep} (${FAILURE_SOURCE[failureStep.source]}) ${what}`.trimEnd());
  }
  if (caseData.redactions?.length) lines.push(`Redacted: ${caseData.redactions.map((r) => `${r.placeholder} (${r.rule})`).join(', ')}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}

const FAILURE_SOURCE: Record<NonNullable<CaseDraft['failureStep']>['source'], string> = {
  given: '--at-step',
  recorded: 'recorded by the application',
  'tool-error': 'first tool error',
  'before-error': 'last step before the error',
  note: 'named in the note',
  last: 'last step',
};

function fail(io: CliIo, message: string): number {
  io.stderr.write(`rehearse: ${message}\n`);
  return 2;
}

async function exists(path: string): Promise<boolean> {
  const { access } = await import('node:fs/promises');
  return access(path).then(
    () => true,
    () => false,
  );
}

/** parseArgs throws TypeErrors for unknown or malformed flags: those are usage errors (exit 2). */
function parseOrThrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}
