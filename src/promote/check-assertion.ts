import type { Case } from '../model/case.js';
import { checkCase } from '../case/load-case.js';

/**
 * Why `spec` is not a valid assertion for `caseData`, or undefined: the case schema's verdict on the case
 * with only this assertion, so review and `--assert` report problems before anything is written.
 */
export function assertionProblem(caseData: Case, spec: unknown): string | undefined {
  const probe = { ...caseData, assertions: [spec] };
  const checked = checkCase(structuredClone(probe), '(assertion)', 'assertion');
  if (checked.ok) return undefined;
  const issues = checked.error.issues?.filter((i) => i.pointer.startsWith('/assertions')) ?? [];
  if (issues.length === 0) return checked.error.message;
  return issues.map((i) => `${i.pointer.replace(/^\/assertions\/0/, '') || '/'}: ${i.message}`).join('; ');
}
