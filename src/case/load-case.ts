import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Case } from '../model/case.js';
import { CASE_FORMAT, CASE_VERSION } from '../model/case.js';
import type { ErrorInfo } from '../model/result.js';
import validateGenerated from './generated/validate-case.js';
import { caseError } from './case-error.js';
import { issuesFromAjv, type SchemaIssue } from './schema-issues.js';
import { toPointer } from './json-pointer.js';
import { readCaseText } from './read-case-text.js';

/** A case file that loaded and validated. */
export interface LoadedCase {
  ok: true;
  /** Absolute path of the case file. */
  path: string;
  data: Case;
}

/** A case file that could not be used, with why (file and JSON pointer included). */
export interface FailedCase {
  ok: false;
  path: string;
  error: ErrorInfo;
}

export type CaseLoadResult = LoadedCase | FailedCase;

/**
 * Reads, parses and validates one case file. Never throws for a bad file: the failure is returned,
 * naming `displayPath` and the JSON pointer of every problem, so the run can go on with the other cases.
 */
export async function loadCaseFile(path: string, displayPath: string): Promise<CaseLoadResult> {
  const read = readCaseText(path);
  return typeof read === 'string' ? loadCaseText(read, path, displayPath) : unreadableCase(path, displayPath, read.readError);
}

/** The failure for a case file that could not be read. */
export function unreadableCase(path: string, displayPath: string, readError: string): FailedCase {
  return fail(path, caseError('CASE_UNREADABLE', displayPath, `cannot read file: ${readError}`));
}

/** Parses and validates a case file's text, already read (see `loadCaseFile`); side files are read from `path`'s folder. */
export async function loadCaseText(text: string, path: string, displayPath: string): Promise<CaseLoadResult> {
  let data: unknown;
  if (path.endsWith('.yaml') || path.endsWith('.yml')) {
    try {
      const { parse } = await import('yaml');
      data = parse(text);
    } catch (error) {
      return fail(path, caseError('CASE_INVALID', displayPath, `not valid YAML: ${(error as Error).message}`));
    }
  } else {
    try {
      data = JSON.parse(text);
    } catch (error) {
      return fail(path, caseError('CASE_INVALID', displayPath, `not valid JSON: ${describeJsonError(error as Error, text)}`));
    }
  }
  // Most cases have no side files: skip the walk that looks for them unless the text mentions one.
  return checkCase(data, path, displayPath, { sideFiles: text.includes('$file') });
}

/** Validates already-parsed case data (the part of loading that needs no I/O but side files). */
export function checkCase(data: unknown, path: string, displayPath: string, options: { sideFiles?: boolean } = {}): CaseLoadResult {
  const versionProblem = checkFormatAndVersion(data, displayPath);
  if (versionProblem) return fail(path, versionProblem);
  if (!validateGenerated(data)) {
    const issues = issuesFromAjv(validateGenerated.errors ?? []);
    return fail(path, caseError('CASE_INVALID', displayPath, issues.map((i) => `${i.pointer}: ${i.message}`).join('; '), issues));
  }
  const caseData = data as Case;
  const semantic = semanticIssues(caseData);
  if (semantic.length > 0) {
    return fail(path, caseError('CASE_INVALID', displayPath, semantic.map((i) => `${i.pointer}: ${i.message}`).join('; '), semantic));
  }
  if (options.sideFiles ?? true) {
    const sideFileProblem = resolveSideFiles(caseData, dirname(path), displayPath);
    if (sideFileProblem) return fail(path, sideFileProblem);
  }
  return { ok: true, path, data: caseData };
}

function checkFormatAndVersion(data: unknown, displayPath: string): ErrorInfo | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return caseError('CASE_INVALID', displayPath, 'a case must be a JSON object', [{ pointer: '', message: 'must be object' }]);
  }
  const record = data as Record<string, unknown>;
  if (record['format'] !== CASE_FORMAT) {
    const found = record['format'] === undefined ? 'no "format"' : `format ${JSON.stringify(record['format'])}`;
    return caseError('CASE_INVALID', displayPath, `not a rehearse case: ${found}; expected "format": "${CASE_FORMAT}"`, [
      { pointer: '/format', message: `must be "${CASE_FORMAT}"` },
    ]);
  }
  const version = record['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > CASE_VERSION) {
    return caseError(
      'CASE_VERSION_UNSUPPORTED',
      displayPath,
      `case format version ${version} is newer than this rehearse reads (up to ${CASE_VERSION}); upgrade rehearse to run it`,
      [{ pointer: '/version', message: `version ${version} is newer than supported version ${CASE_VERSION}` }],
    );
  }
  return undefined;
}

/** Rules JSON Schema cannot say: references between fields. */
function semanticIssues(data: Case): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const failure = data.outcome.failure;
  if (failure && failure.atStep >= Math.max(data.timeline.length, 1)) {
    issues.push({
      pointer: '/outcome/failure/atStep',
      message: `step ${failure.atStep} is past the end of the timeline (${data.timeline.length} events; steps count from 0)`,
    });
  }
  data.assertions.forEach((spec, index) => {
    if (spec.type === 'matches') {
      try {
        new RegExp(spec.pattern, spec.flags);
      } catch (error) {
        issues.push({ pointer: toPointer(['assertions', index, 'pattern']), message: `not a valid regular expression: ${(error as Error).message}` });
      }
    }
    if (spec.type === 'tool-called' && typeof spec.count === 'object' && spec.count.min !== undefined && spec.count.max !== undefined && spec.count.min > spec.count.max) {
      issues.push({ pointer: toPointer(['assertions', index, 'count']), message: 'min is greater than max' });
    }
  });
  return issues;
}

/**
 * Large values may live beside the case as `{ "$file": "relative/path.json" }` in `input`, a tool event's
 * `args`/`result`, and `outcome.output`. They are read here, once, so replay never touches the disk.
 */
function resolveSideFiles(data: Case, dir: string, displayPath: string): ErrorInfo | undefined {
  const load = (value: unknown, pointer: string): { value?: unknown; error?: ErrorInfo } => {
    const ref = sideFileRef(value);
    if (ref === undefined) return { value };
    if (isAbsolute(ref)) return { error: caseError('CASE_INVALID', displayPath, `${pointer}: side file path must be relative to the case file`, [{ pointer, message: 'side file path must be relative' }]) };
    const file = resolve(dir, ref);
    try {
      const text = readFileSync(file, 'utf8');
      return { value: file.endsWith('.json') ? JSON.parse(text) : text };
    } catch (error) {
      return { error: caseError('CASE_INVALID', displayPath, `${pointer}: cannot load side file ${ref}: ${(error as Error).message}`, [{ pointer, message: `cannot load side file ${ref}` }]) };
    }
  };
  let r = load(data.input, '/input/$file');
  if (r.error) return r.error;
  data.input = r.value as Case['input'];
  for (let i = 0; i < data.timeline.length; i++) {
    const event = data.timeline[i]!;
    if (event.type !== 'tool') continue;
    r = load(event.args, toPointer(['timeline', i, 'args', '$file']));
    if (r.error) return r.error;
    event.args = r.value as typeof event.args;
    if ('result' in event) {
      r = load(event.result, toPointer(['timeline', i, 'result', '$file']));
      if (r.error) return r.error;
      event.result = r.value as typeof event.result;
    }
  }
  if (data.outcome.output !== undefined) {
    r = load(data.outcome.output, '/outcome/output/$file');
    if (r.error) return r.error;
    data.outcome.output = r.value as Case['input'];
  }
  return undefined;
}

function sideFileRef(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '$file') return undefined;
  const ref = (value as { $file: unknown }).$file;
  return typeof ref === 'string' ? ref : undefined;
}

/** JSON.parse errors name a character position; people want a line and column. */
function describeJsonError(error: Error, text: string): string {
  const match = /position (\d+)/.exec(error.message);
  if (!match) return error.message;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

function fail(path: string, error: ErrorInfo): FailedCase {
  return { ok: false, path, error };
}
