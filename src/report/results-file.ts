import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunResults } from '../model/index.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../model/index.js';

/** A stable code for each way a results file can be refused. */
export type ResultsFileErrorCode = 'RESULTS_UNREADABLE' | 'RESULTS_FORMAT' | 'RESULTS_VERSION_UNSUPPORTED' | 'RESULTS_INVALID';

/** Why a results file could not be read; the message starts with the file. */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
  constructor(
    readonly code: ResultsFileErrorCode,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

type Doc = Record<string, unknown>;

/** Turns a results document of version N into version N + 1. */
export type ResultsUpgrade = (doc: Doc) => Doc;

/**
 * The upgrade chain, keyed by the version each step upgrades FROM. Version 1 is the first released format,
 * so the chain is empty today; when version 2 lands, add `1: (doc) => ({ ...doc, version: 2, … })` here and
 * a fixture of version 1 to the tests. Never edit a step once released: files in the wild depend on it.
 */
export const RESULTS_UPGRADES: Readonly<Record<number, ResultsUpgrade>> = {};

export interface UpgradeOptions {
  /** @default RESULTS_UPGRADES */
  upgrades?: Readonly<Record<number, ResultsUpgrade>>;
  /** The version to upgrade to. @default RESULTS_VERSION */
  latest?: number;
}

/**
 * Checks a parsed results document's `format` and `version`, upgrades an older one step by step, refuses a
 * newer one, and checks the shape the reporters rely on. `file` only names the file in messages.
 */
export function upgradeResults(value: unknown, file: string, options: UpgradeOptions = {}): RunResults {
  const upgrades = options.upgrades ?? RESULTS_UPGRADES;
  const latest = options.latest ?? RESULTS_VERSION;
  if (!isObject(value)) throw new ResultsFileError('RESULTS_FORMAT', file, 'is not a rehearse results file (expected a JSON object)');
  if (value.format !== RESULTS_FORMAT) {
    throw new ResultsFileError('RESULTS_FORMAT', file, `is not a rehearse results file: "format" is ${JSON.stringify(value.format)}, expected "${RESULTS_FORMAT}"`);
  }
  const found = value.version;
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 0) {
    throw new ResultsFileError('RESULTS_INVALID', file, `"version" must be a whole number, found ${JSON.stringify(found)}`);
  }
  if (found > latest) {
    throw new ResultsFileError(
      'RESULTS_VERSION_UNSUPPORTED',
      file,
      `results format version ${found} is newer than this rehearse supports (newest: ${latest}); upgrade rehearse to read it`,
    );
  }
  let doc: Doc = value;
  for (let version = found; version < latest; version++) {
    const step = upgrades[version];
    if (!step) {
      throw new ResultsFileError('RESULTS_VERSION_UNSUPPORTED', file, `results format version ${version} can no longer be read (oldest upgradable: ${oldest(upgrades, latest)}); re-run to produce a new file`);
    }
    try {
      doc = step(doc);
    } catch (error) {
      throw new ResultsFileError('RESULTS_INVALID', file, `could not upgrade from version ${version} to ${version + 1}: ${(error as Error).message}`, { cause: error });
    }
    doc.version = version + 1;
  }
  const issues = shapeIssues(doc);
  if (issues.length > 0) {
    const shown = issues.slice(0, 10).map((i) => `  ${i}`).join('\n');
    throw new ResultsFileError('RESULTS_INVALID', file, `is not a valid results file:\n${shown}${issues.length > 10 ? `\n  … and ${issues.length - 10} more` : ''}`);
  }
  return doc as unknown as RunResults;
}

/** Reads, parses, upgrades and checks a results file. Synchronous: a CLI reads one file and waits for it. */
export function readResults(path: string, options: UpgradeOptions = {}): RunResults {
  return readResultsFile(path, { ...options, unreadableHint: 'check the path, or run `rehearse run` to create it' }).results;
}

export interface ReadResultsFileOptions extends UpgradeOptions {
  /** How messages name the file. @default the path */
  file?: string;
  /** What to check, added to the message when the file cannot be read. @default 'check the path' */
  unreadableHint?: string;
  /** What to check, added to the message when the file is not JSON. */
  invalidJsonHint?: string;
}

/**
 * `readResults`, also returning the format version the file was written in (before any upgrade): merging
 * shards refuses files written in different versions.
 */
export function readResultsFile(path: string, options: ReadResultsFileOptions = {}): { results: RunResults; writtenVersion: number } {
  const { file = path, unreadableHint = 'check the path', invalidJsonHint, ...upgrade } = options;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ResultsFileError('RESULTS_UNREADABLE', file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ${unreadableHint}`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const hint = invalidJsonHint ? `; ${invalidJsonHint}` : '';
    throw new ResultsFileError('RESULTS_UNREADABLE', file, `is not valid JSON (${(error as Error).message})${hint}`, { cause: error });
  }
  const written = typeof doc === 'object' && doc !== null ? (doc as { version?: unknown }).version : undefined;
  const results = upgradeResults(doc, file, upgrade);
  return { results, writtenVersion: typeof written === 'number' ? written : results.version };
}

/**
 * Writes a results file atomically: to a temporary file beside it, then renamed over the target, so a reader
 * (or a crash) never sees half a file. Creates missing folders. Compact JSON unless `pretty`.
 */
export function writeResults(path: string, results: RunResults, options: { pretty?: boolean } = {}): void {
  let json: string;
  try {
    json = JSON.stringify(results, null, options.pretty ? 2 : undefined);
  } catch (error) {
    throw new Error(`${path}: cannot write the results file (${(error as Error).message})`, { cause: error });
  }
  writeResultsText(path, json);
}

/**
 * Writes an already serialized results document, atomically like `writeResults`. The run uses it to write
 * the case texts its worker serialized, without stringifying thousands of results a second time.
 */
export function writeResultsText(path: string, json: string): void {
  replaceAtomically(path, (fd) => writeAll(fd, Buffer.from(`${json}\n`)));
}

/**
 * Copies a results file that is already written (the run's own) to `path`, atomically, byte for byte:
 * the `json` reporter uses it so a run of any size is never held in memory to be written twice.
 */
export function copyResultsFile(from: string, path: string): void {
  if (resolve(from) === resolve(path)) return;
  replaceAtomically(path, (fd) => {
    const source = openSync(from, 'r');
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      let position = 0;
      for (let n; (n = readSync(source, buffer, 0, buffer.length, position)) > 0; position += n) {
        writeAll(fd, buffer.subarray(0, n));
      }
    } finally {
      closeSync(source);
    }
  });
}

/**
 * Writes a file atomically: `write` fills a temporary file beside `path` (given its descriptor, writes go
 * in sequence), which is then renamed over `path`, so a reader (or a crash) never sees half a file.
 * Creates missing folders; removes the temporary file when anything fails.
 */
export function replaceAtomically(path: string, write: (fd: number) => void): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const fd = openSync(temp, 'w');
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new Error(`${path}: cannot write the results file (${(error as Error).message})`, { cause: error });
  }
}

/** `writeSync` until every byte is written (one call may write fewer). */
export function writeAll(fd: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
}

const STATUSES = new Set(['passed', 'failed', 'diverged', 'errored']);

/** The fields reports and comparisons read; full validation lives in schema/results.schema.json. */
function shapeIssues(doc: Doc): string[] {
  const issues: string[] = [];
  if (typeof doc.runId !== 'string') issues.push('/runId: must be a string');
  if (typeof doc.startedAt !== 'string') issues.push('/startedAt: must be a string');
  if (typeof doc.durationMs !== 'number') issues.push('/durationMs: must be a number');
  if (!isObject(doc.totals)) issues.push('/totals: must be an object');
  if (!Array.isArray(doc.cases)) {
    issues.push('/cases: must be an array');
    return issues;
  }
  doc.cases.forEach((c: unknown, i) => {
    if (!isObject(c)) return void issues.push(`/cases/${i}: must be an object`);
    if (typeof c.key !== 'string') issues.push(`/cases/${i}/key: must be a string`);
    if (typeof c.status !== 'string' || !STATUSES.has(c.status)) issues.push(`/cases/${i}/status: must be one of passed, failed, diverged, errored`);
    if (!Array.isArray(c.attempts)) issues.push(`/cases/${i}/attempts: must be an array`);
    if (typeof c.passes !== 'number') issues.push(`/cases/${i}/passes: must be a number`);
  });
  return issues;
}

function oldest(upgrades: Readonly<Record<number, ResultsUpgrade>>, latest: number): number {
  let version = latest;
  while (upgrades[version - 1]) version -= 1;
  return version;
}

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
