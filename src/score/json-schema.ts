import type { ErrorObject } from 'ajv';
import type { Json } from '../model/json.js';
import type { ReplayedRun } from '../model/run.js';
import { selectOutput } from './output-target.js';
import { ajvLoaded, compileSchema, loadAjv } from './schema-validators.js';
import { errored, failed, passed, type AssertionDefinition, type AssertionOutcome, type SpecOf } from './types.js';

/** One ajv error as evidence: where in the value, which keyword, and ajv's words. */
function errorEvidence(e: ErrorObject): Json {
  return { instancePath: e.instancePath, keyword: e.keyword, message: e.message ?? '', params: JSON.parse(JSON.stringify(e.params)) as Json };
}

function errorText(e: ErrorObject): string {
  const allowed = e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
  const extra = e.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty?: string }).additionalProperty}")` : '';
  return `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${allowed}${extra}`;
}

function check(spec: SpecOf<'json-schema'>, run: ReplayedRun): AssertionOutcome {
  const compiled = compileSchema(spec.schema);
  if (!compiled.ok) return errored(`invalid JSON schema: ${compiled.error}; fix the schema in the case`);
  const selected = selectOutput(run, spec.path);
  if (!selected.ok) return selected.outcome;
  if (selected.value === undefined) return failed(`expected ${selected.label} to match the schema, but the agent returned no output`);
  const errors = compiled.validate(selected.value);
  if (errors.length === 0) return passed(`${selected.label} matches the schema`);
  const shown = errors.slice(0, 3).map(errorText).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return failed(`${selected.label} does not match the schema: ${shown}${more}`, { errors: errors.map(errorEvidence) });
}

/**
 * `json-schema`: the output (or the value at `path`) is valid against `schema` (draft-07 by default;
 * 2019-09 and 2020-12 by `$schema`). ajv loads on the first such assertion and each schema compiles once.
 * The evidence of a failure lists every ajv error with its instance path (relative to the selected value).
 */
export const jsonSchemaAssertion: AssertionDefinition<'json-schema'> = {
  type: 'json-schema',
  describe: (spec) => {
    const title = typeof spec.schema === 'object' && spec.schema !== null && !Array.isArray(spec.schema) ? spec.schema.title : undefined;
    return `${spec.path ? `output at ${spec.path}` : 'output'} matches JSON schema${typeof title === 'string' ? ` "${title}"` : ''}`;
  },
  evaluate(spec, run) {
    if (spec.schema === undefined) return errored('json-schema needs a `schema`');
    if (ajvLoaded()) return check(spec, run);
    return loadAjv().then(() => check(spec, run));
  },
};
