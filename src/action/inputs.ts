import type { FailOn } from '../model/config.js';
import { parseShard, type ShardSpec } from '../shard/shard-spec.js';

/** Where the baseline comes from: a run of the PR's base commit, a saved results file, or nothing. */
export type BaselineInput = { kind: 'base' } | { kind: 'file'; path: string } | { kind: 'none' };

/** How the report comment is posted. `update` keeps one comment per PR; `new` adds one per run. */
export type CommentMode = 'update' | 'new' | 'off';

/**
 * What one invocation does. `run`: run the suite (only `shard` of it when set) and report, or with `shard`,
 * write the shard's results files for a later `report`. `report`: merge the shards' files and report once.
 */
export type ActionMode = 'run' | 'report';

/** The Action's inputs, checked and typed. */
export interface ActionInputs {
  /** Config file, relative to `workingDirectory`; undefined lets the CLI find `rehearse.config.*`. */
  config?: string;
  /** Case globs; empty means the config's `cases`. */
  cases: string[];
  baseline: BaselineInput;
  /** Attempts per case; undefined means the config's `repeat`. */
  repeat?: number;
  /** Cases run at once; undefined means the config's `concurrency`. */
  concurrency?: number;
  comment: CommentMode;
  failOn: FailOn;
  /** Empty when the workflow passed none: the comment is then skipped, never the run. */
  githubToken: string;
  workingDirectory: string;
  mode: ActionMode;
  /** With `mode: run`: run only this shard and write its results files under `results`, posting nothing. */
  shard?: ShardSpec;
  /**
   * Where shard results files go (`mode: run` with `shard`: a folder) or are found (`mode: report`: a folder,
   * searched recursively, or a glob), relative to `workingDirectory`.
   */
  results: string;
}

/**
 * Every input the Action declares, with the default action.yml gives it. The single list: `parseInputs`
 * applies these defaults when a variable is absent, and a test keeps action.yml in step with it.
 * `github-token` defaults to `${{ github.token }}` in action.yml, which only the runner can expand.
 */
export const INPUT_DEFAULTS = {
  config: '',
  cases: '',
  baseline: 'base',
  repeat: '',
  concurrency: '',
  comment: 'update',
  'fail-on': 'regressed',
  'github-token': '',
  'working-directory': '.',
  mode: 'run',
  shard: '',
  results: 'rehearse-results/',
} as const satisfies Record<string, string>;

export type InputName = keyof typeof INPUT_DEFAULTS;

export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];

const COMMENT_MODES: readonly CommentMode[] = ['update', 'new', 'off'];
const FAIL_ON: readonly FailOn[] = ['regressed', 'failing', 'never'];
const MODES: readonly ActionMode[] = ['run', 'report'];
/** Characters that make the `results` input a glob rather than a folder. */
export const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * The environment variable the runner sets for an input: spaces become `_`, the name is upper-cased and
 * hyphens are kept (`fail-on` → `INPUT_FAIL-ON`), exactly as @actions/core reads it.
 */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Thrown when inputs are malformed; the message lists every problem, one per line. */
export class ActionInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `The action's inputs have ${problems.length} problems:\n- ${problems.join('\n- ')}`);
    this.name = 'ActionInputError';
  }
}

/**
 * Reads and checks the Action's inputs from an environment record (`process.env` on a runner).
 * Collects every problem before throwing, so one failed run shows them all. Misspelt input names are not
 * errors (the runner passes them anyway): see `unknownInputWarnings`.
 *
 * @example
 * const inputs = parseInputs(process.env);
 */
export function parseInputs(env: Record<string, string | undefined>): ActionInputs {
  const problems: string[] = [];
  const read = (name: InputName): string => (env[inputEnvName(name)] ?? INPUT_DEFAULTS[name]).trim();

  const inputs: ActionInputs = {
    cases: splitGlobs(read('cases')),
    baseline: parseBaseline(read('baseline')),
    comment: oneOf('comment', read('comment'), COMMENT_MODES, problems) ?? 'update',
    failOn: oneOf('fail-on', read('fail-on'), FAIL_ON, problems) ?? 'regressed',
    githubToken: read('github-token'),
    workingDirectory: read('working-directory') || '.',
    mode: oneOf('mode', read('mode'), MODES, problems) ?? 'run',
    results: read('results') || INPUT_DEFAULTS.results,
  };
  const config = read('config');
  if (config) inputs.config = config;
  const repeat = positiveInt('repeat', read('repeat'), problems);
  if (repeat !== undefined) inputs.repeat = repeat;
  const concurrency = positiveInt('concurrency', read('concurrency'), problems);
  if (concurrency !== undefined) inputs.concurrency = concurrency;
  const shard = read('shard');
  if (shard) {
    try {
      inputs.shard = parseShard(shard);
    } catch (error) {
      problems.push(`${(error as Error).message}; write it as \`shard: \${{ matrix.shard }}/4\` in a matrix job, or leave it out to run the whole suite`);
    }
    if (inputs.mode === 'report') {
      problems.push(`shard is for the matrix jobs (mode: run); the report job (mode: report) merges every shard's files, so leave shard out there`);
    }
    if (GLOB_CHARS.test(inputs.results)) {
      problems.push(`results must be a folder when a shard runs (its files are written there as head-<i>.json and base-<i>.json); got the glob ${JSON.stringify(inputs.results)}`);
    }
  }

  if (problems.length > 0) throw new ActionInputError(problems);
  return inputs;
}

/**
 * Splits the `cases` input on new lines and on commas outside `{…}` (so `suites/{a,b}/*.case.json`
 * stays one glob). Blank entries are dropped.
 */
export function splitGlobs(value: string): string[] {
  const globs: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of value) {
    if (ch === '{') depth++;
    else if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '\n' || ch === '\r' || (ch === ',' && depth === 0)) {
      globs.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  globs.push(current);
  return globs.map((g) => g.trim()).filter((g) => g.length > 0);
}

/** `base` and `none` are keywords (any case); anything else is a results file path, checked when it is read. */
function parseBaseline(value: string): BaselineInput {
  const keyword = value.toLowerCase();
  if (keyword === 'base' || keyword === '') return { kind: 'base' };
  if (keyword === 'none') return { kind: 'none' };
  return { kind: 'file', path: value };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], problems: string[]): T | undefined {
  const match = allowed.find((a) => a === value.toLowerCase());
  if (match) return match;
  problems.push(`${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  return undefined;
}

function positiveInt(name: string, value: string, problems: string[]): number | undefined {
  if (value === '') return undefined;
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number.isSafeInteger(Number(value))) return Number(value);
  problems.push(`${name} must be a positive whole number such as 3, or left out to use the config's value; got ${JSON.stringify(value)}`);
  return undefined;
}

/**
 * Warns about INPUT_* variables the Action does not declare, naming the input that was probably meant
 * (`INPUT_FAILON` → `fail-on`). The runner sets a variable for every `with:` key, so a typo lands here.
 */
export function unknownInputWarnings(env: Record<string, string | undefined>): string[] {
  const known = new Map(INPUT_NAMES.map((n) => [inputEnvName(n), n]));
  const warnings: string[] = [];
  for (const key of Object.keys(env).sort()) {
    if (!key.startsWith('INPUT_') || known.has(key)) continue;
    const given = key.slice('INPUT_'.length).toLowerCase();
    const guess = closestInput(given);
    warnings.push(
      `Unknown input "${given}" (${key}) is ignored.` +
        (guess ? ` Did you mean "${guess}"?` : ` Known inputs: ${INPUT_NAMES.join(', ')}.`),
    );
  }
  return warnings;
}

function closestInput(given: string): InputName | undefined {
  const squash = (s: string): string => s.replace(/[^a-z0-9]/g, '');
  const target = squash(given);
  let best: { name: InputName; distance: number } | undefined;
  for (const name of INPUT_NAMES) {
    const distance = editDistance(squash(name), target);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= 2 ? best.name : undefined;
}

/** Levenshtein distance; inputs are a few characters long, so the quadratic table is fine. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
