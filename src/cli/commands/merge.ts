import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { displayPath } from '../../case/discover.js';
import { readResultsFile, writeResults } from '../../report/results-file.js';
import { totalsOf } from '../../run/totals.js';
import { MergeError, mergeResults, type MergeInput } from '../../shard/merge-results.js';
import type { CliIo } from '../main.js';
import { UsageError } from '../usage-error.js';

const USAGE = `usage: rehearse merge <results files or globs...> [--out FILE] [--allow-partial]

Joins the results files of a sharded run ("rehearse run --shard i/n") into one, as if the run had not been
split; "rehearse report --from FILE" and "rehearse compare" then read it like any results file.

  --out FILE        Merged results file (default rehearse-results.json)
  --allow-partial   Merge even when shards are missing; the merged results are marked partial

Refuses (exit 2) files in different format versions, of different runs (run group, commit or --repeat),
a shard given twice, a missing shard, and a case found in two files.`;

const DEFAULT_OUT = 'rehearse-results.json';
const GLOB_CHARS = /[*?[\]{}!]/;

/** `rehearse merge`: exit 0 merged, 2 usage error or refused inputs. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        'allow-partial': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`merge needs the results files of the shards\n${USAGE}`);
  const out = resolve(io.cwd, values.out ?? DEFAULT_OUT);
  const files = await expandInputs(positionals, io.cwd, out);
  const inputs: MergeInput[] = files.map((path) => {
    const file = displayPath(path, io.cwd);
    return { file, ...readResultsFile(path, { file }) };
  });
  let outcome;
  try {
    outcome = mergeResults(inputs, { allowPartial: values['allow-partial'] ?? false, totals: totalsOf, newRunId: randomUUID });
  } catch (error) {
    if (!(error instanceof MergeError)) throw error;
    io.stderr.write(`rehearse: cannot merge: ${error.message}\n`);
    return 2;
  }
  for (const warning of outcome.warnings) io.stderr.write(`rehearse: warning: ${warning}\n`);
  writeResults(out, outcome.results);
  const { totals } = outcome.results;
  io.stdout.write(
    `merged ${inputs.length} results file${inputs.length === 1 ? '' : 's'} into ${displayPath(out, io.cwd)}: ${totals.cases} cases ` +
      `(${totals.passed} passed, ${totals.failed} failed, ${totals.diverged} diverged, ${totals.errored} errored)${outcome.results.partial ? ', partial' : ''}\n`,
  );
  return 0;
}

/**
 * Files named as they are, globs expanded (globby, loaded only for a glob), in the order given, each once. A
 * glob never picks up the output file, so `merge 'results-*.json' --out results-merged.json` can run twice.
 */
async function expandInputs(patterns: readonly string[], cwd: string, out: string): Promise<string[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      files.add(resolve(cwd, pattern));
      continue;
    }
    const { globby } = await import('globby');
    const matches = (await globby(pattern.replace(/\\/g, '/'), { cwd, absolute: true })).map((m) => resolve(m)).filter((m) => m !== out).sort();
    if (matches.length === 0) throw new UsageError(`"${pattern}" matches no results files in ${cwd}; check the artifact download path`);
    for (const match of matches) files.add(match);
  }
  return [...files];
}
