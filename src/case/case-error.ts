import type { ErrorCode, ErrorInfo } from '../model/result.js';
import type { SchemaIssue } from './schema-issues.js';

/**
 * A case that cannot be used, as a value: loading never throws for a bad case, because one broken file
 * must not stop the others from running.
 */
export function caseError(code: ErrorCode, file: string, message: string, issues?: SchemaIssue[]): ErrorInfo {
  const first = issues?.[0];
  const info: ErrorInfo = { code, file, message };
  if (first) info.pointer = first.pointer;
  if (issues && issues.length > 0) info.issues = issues;
  return info;
}

/** One line per issue, file first: `suites/a/b.case.json#/assertions/0/type: unknown type "x"`. */
export function formatCaseError(error: ErrorInfo): string {
  if (!error.issues || error.issues.length === 0) return error.pointer !== undefined ? `${error.file}#${error.pointer}: ${error.message}` : `${error.file ?? ''}: ${error.message}`;
  return error.issues.map((i) => `${error.file}#${i.pointer}: ${i.message}`).join('\n');
}
