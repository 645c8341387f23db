import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Case } from '../model/case.js';
import { checkCase } from '../case/load-case.js';
import { nameProblem } from './names.js';

/** A case that cannot be written: bad name, existing file, or a case that would not load. */
export class PromoteError extends Error {
  override name = 'PromoteError';
}

/** `suites/<suite>/<id>.case.json` under `root`, after checking both names. Throws `PromoteError`. */
export function casePath(root: string, suite: string, id: string): string {
  const problem = nameProblem('suite', suite) ?? nameProblem('id', id);
  if (problem) throw new PromoteError(problem);
  const suitesDir = resolve(root, 'suites');
  const path = resolve(suitesDir, suite, `${id}.case.json`);
  // Belt and braces: the name rules already keep the path inside suites/.
  if (!path.startsWith(suitesDir + sep)) throw new PromoteError(`case path ${path} would be outside ${suitesDir}`);
  return path;
}

/**
 * The `$schema` a new case points at, relative to the case file: the installed package's schema when the
 * project has `node_modules/rehearse`, else `schemaFile` (this rehearse's own), so editors find it either way.
 */
export function schemaRef(caseFile: string, projectRoot: string, schemaFile: string): string {
  const installed = join(projectRoot, 'node_modules', 'rehearse', 'schema', 'case.schema.json');
  const target = existsSync(installed) ? installed : schemaFile;
  return relative(dirname(caseFile), target).split(sep).join('/');
}

/**
 * Validates the case as `rehearse run` would load it, then writes it atomically (temporary file, rename).
 * Refuses to replace an existing case unless `force`.
 */
export async function writeCase(path: string, caseData: Case, options: { force?: boolean; displayPath?: string } = {}): Promise<void> {
  const display = options.displayPath ?? path;
  if (existsSync(path) && !options.force) {
    throw new PromoteError(`${display} already exists; pass --force to replace it, or choose another --id`);
  }
  // checkCase resolves side files in place; validate a copy so the written case stays as built.
  const checked = checkCase(structuredClone(caseData), path, display);
  if (!checked.ok) {
    const issues = checked.error.issues?.map((i) => `  ${i.pointer || '/'}: ${i.message}`).join('\n') ?? `  ${checked.error.message}`;
    throw new PromoteError(`the case for ${display} does not validate against the case schema:\n${issues}`);
  }
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(caseData, null, 2)}\n`);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}
