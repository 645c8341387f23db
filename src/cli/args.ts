import { parseArgs } from 'node:util';
import type { FailOn, ReporterSpec } from '../model/config.js';
import type { ModelMode } from '../model/case.js';
import { parseShard, type ShardSpec } from '../shard/shard-spec.js';
import { UsageError } from './usage-error.js';

export interface CliArgs {
  command: 'run' | 'compare' | 'report' | 'help' | 'version';
  positionals: string[];
  config?: string;
  filter?: string;
  tags: string[];
  repeat?: number;
  concurrency?: number;
  out?: string;
  /** `true` when given without a path: use the config's default. */
  baseline?: string | true;
  saveBaseline?: string | true;
  failOn?: FailOn;
  reporters?: ReporterSpec[];
  json: boolean;
  base?: string;
  head?: string;
  from?: string;
  /** `--model live|cached|recorded`: how model calls are answered, for every case. */
  model?: ModelMode;
  /** `--shard i/n`: run only shard i of n. */
  shard?: ShardSpec;
  /** `--shard-durations FILE`: a results file whose case durations balance the split. */
  shardDurations?: string;
  /** `--run-group NAME`: shared by the shards of one run, checked by `rehearse merge`. */
  runGroup?: string;
}

const OPTIONAL_VALUE = new Set(['--baseline', '--save-baseline']);
const FAIL_ON: readonly FailOn[] = ['regressed', 'failing', 'never'];
const MODEL_MODES: readonly ModelMode[] = ['live', 'cached', 'recorded'];

/** Parses `rehearse <command> [options]`; throws UsageError with what to write instead. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return empty('help');
  if (first === '--version' || first === '-v') return empty('version');
  if (first !== 'run' && first !== 'compare' && first !== 'report') {
    throw new UsageError(`unknown command "${first}"; run "rehearse --help" for the list`);
  }
  const { values, positionals } = parseArgs({
    args: withOptionalValues(rest),
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      filter: { type: 'string', short: 't' },
      tag: { type: 'string', multiple: true },
      repeat: { type: 'string' },
      concurrency: { type: 'string' },
      out: { type: 'string', short: 'o' },
      baseline: { type: 'string' },
      'save-baseline': { type: 'string' },
      'fail-on': { type: 'string' },
      reporter: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      base: { type: 'string' },
      head: { type: 'string' },
      from: { type: 'string' },
      shard: { type: 'string' },
      'shard-durations': { type: 'string' },
      'run-group': { type: 'string' },
      model: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return empty('help');
  const args: CliArgs = { command: first, positionals, tags: values.tag ?? [], json: values.json ?? false };
  if (values.config !== undefined) args.config = values.config;
  if (values.filter !== undefined) args.filter = checkFilter(values.filter);
  if (values.repeat !== undefined) args.repeat = positiveInteger('--repeat', values.repeat);
  if (values.concurrency !== undefined) args.concurrency = positiveInteger('--concurrency', values.concurrency);
  if (values.out !== undefined) args.out = values.out;
  if (values.baseline !== undefined) args.baseline = values.baseline === '' ? true : values.baseline;
  if (values['save-baseline'] !== undefined) args.saveBaseline = values['save-baseline'] === '' ? true : values['save-baseline'];
  if (values['fail-on'] !== undefined) {
    const failOn = values['fail-on'] as FailOn;
    if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}; got "${values['fail-on']}"`);
    args.failOn = failOn;
  }
  if (values.reporter !== undefined) args.reporters = values.reporter;
  if (values.base !== undefined) args.base = values.base;
  if (values.head !== undefined) args.head = values.head;
  if (values.from !== undefined) args.from = values.from;
  if (values.model !== undefined) {
    if (!MODEL_MODES.includes(values.model as ModelMode)) throw new UsageError(`--model must be one of ${MODEL_MODES.join(', ')}; got "${values.model}"`);
    args.model = values.model as ModelMode;
  }
  if (values.shard !== undefined) {
    try {
      args.shard = parseShard(values.shard);
    } catch (error) {
      throw new UsageError(`--${(error as Error).message}`);
    }
  }
  if (args.shard && args.saveBaseline !== undefined) {
    // A baseline of one shard would make every case of the other shards "new" in the next comparison.
    throw new UsageError('--save-baseline with --shard would save one shard as the baseline; merge the shards, then save the merged file: rehearse merge results-*.json --out .rehearse/baseline.json');
  }
  if (values['shard-durations'] !== undefined) {
    if (!args.shard) throw new UsageError('--shard-durations only balances a split: add --shard i/n');
    args.shardDurations = values['shard-durations'];
  }
  if (values['run-group'] !== undefined) {
    if (values['run-group'].trim() === '') throw new UsageError('--run-group needs a name shared by every shard of the run (for example the CI run id)');
    args.runGroup = values['run-group'];
  }
  return args;
}

/** `--baseline` may stand alone: give it an empty value so parseArgs accepts it. */
function withOptionalValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    out.push(arg);
    const next = args[i + 1];
    if (OPTIONAL_VALUE.has(arg) && (next === undefined || next.startsWith('-'))) out.push('');
  }
  return out;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1; got "${value}"`);
  return n;
}

function checkFilter(filter: string): string {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(filter);
  if (regex) {
    try {
      new RegExp(regex[1]!, regex[2]);
    } catch (error) {
      throw new UsageError(`--filter ${filter} is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return filter;
}

function empty(command: CliArgs['command']): CliArgs {
  return { command, positionals: [], tags: [], json: false };
}
