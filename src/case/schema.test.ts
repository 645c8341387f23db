import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { validCases, invalidCases } from '../../test/fixtures/cases/typed-cases.js';
import { checkCase } from './load-case.js';
import { issuesFromAjv } from './schema-issues.js';

/*
 * The `Case` type (src/model/case.ts) and schema/case.schema.json describe one format. This test keeps them
 * in step over test/fixtures/cases/typed-cases.ts: TypeScript must accept every valid fixture and reject every
 * invalid one (each carries a `@ts-expect-error`, and an unused one is a compile error), and the schema must
 * agree on the very same objects.
 */

const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/cases/typed-cases.ts');

let compiled: ReturnType<typeof compile> | undefined;
/** The schema file compiled with ajv as the build compiles it (once: compiling takes a few hundred ms). */
function compileSchema(): ReturnType<typeof compile> {
  return (compiled ??= compile());
}

function compile() {
  const require = createRequire(import.meta.url);
  const Ajv2020 = (require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')).default;
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema/case.schema.json'), 'utf8')));
}

describe('the Case type and the case schema agree', () => {
  test('TypeScript accepts the valid fixtures and rejects each invalid one', () => {
    const program = ts.createProgram([FIXTURE], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
      skipLibCheck: true,
      noUncheckedIndexedAccess: true,
      lib: ['lib.es2023.d.ts'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    // Every invalid fixture is claimed by exactly one @ts-expect-error, so each one is a type error.
    const claims = readFileSync(FIXTURE, 'utf8').match(/^\s*\/\/ @ts-expect-error/gm) ?? [];
    expect(claims).toHaveLength(invalidCases.length);
  });

  test.each(Object.entries(validCases))('valid fixture "%s" passes the generated validator and the schema compiled afresh', (name, value) => {
    const data = structuredClone(value);
    const result = checkCase(data, `/tmp/${name}.case.json`, `${name}.case.json`);
    expect(result.ok ? 'ok' : result.error.message).toBe('ok');
    const validate = compileSchema();
    expect(validate(structuredClone(value)) ? [] : validate.errors).toEqual([]);
  });

  test.each(invalidCases.map((c) => [c.name, c] as const))('invalid fixture "%s" fails the schema at its pointer', (_name, fixture) => {
    const result = checkCase(structuredClone(fixture.value), '/tmp/invalid.case.json', 'invalid.case.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CASE_INVALID');
    expect(result.error.issues?.map((i) => i.pointer)).toContain(fixture.pointer);
    const validate = compileSchema();
    expect(validate(structuredClone(fixture.value))).toBe(false);
    expect(issuesFromAjv(validate.errors ?? []).map((i) => i.pointer)).toContain(fixture.pointer);
  });

  test('the generated validator is up to date with schema/case.schema.json', () => {
    const generated = readFileSync(join(ROOT, 'src/case/generated/validate-case.js'), 'utf8');
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/case.schema.json'), 'utf8')) as { $defs: Record<string, unknown> };
    // Every definition of the schema is compiled into the standalone code (ajv inlines them with their $id path).
    for (const name of Object.keys(schema.$defs)) expect(generated, name).toContain(`#/$defs/${name}`);
  });
});
