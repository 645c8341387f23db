import type { ValidateFunction } from 'ajv';
import { issuesFromAjv, type SchemaIssue } from '../case/schema-issues.js';
import { RUN_VERSION } from './recorder.js';

let validator: Promise<ValidateFunction> | undefined;

/*
 * Compiled on first use and cached: ajv and the schema cost tens of milliseconds, which only `promote`,
 * `replay` and tests pay, never an agent that merely captures.
 */
function compile(): Promise<ValidateFunction> {
  validator ??= (async () => {
    const [{ Ajv2020 }, schema] = await Promise.all([
      import('ajv/dist/2020.js'),
      import('../../schema/run.schema.json', { with: { type: 'json' } }),
    ]);
    const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    return ajv.compile(schema.default);
  })();
  return validator;
}

/**
 * Checks a parsed run file against `schema/run.schema.json` and returns every issue (pointer + message),
 * or an empty list when it is a valid run. A newer `version` gets one issue that says to upgrade rehearse.
 */
export async function validateRun(value: unknown): Promise<SchemaIssue[]> {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > RUN_VERSION) {
    return [{ pointer: '/version', message: `run format version ${version} is newer than this rehearse reads (${RUN_VERSION}); upgrade rehearse` }];
  }
  const validate = await compile();
  return validate(value) ? [] : issuesFromAjv(validate.errors ?? []);
}

export type { SchemaIssue };
