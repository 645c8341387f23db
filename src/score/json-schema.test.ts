import { describe, expect, it } from 'vitest';
import { jsonSchemaAssertion } from './json-schema.js';
import { ajvLoaded, compileSchema, loadAjv } from './schema-validators.js';
import { context, makeRun } from './test-support.js';
import type { SpecOf } from './types.js';
import type { Json } from '../model/json.js';

const ctx = context();
const check = async (spec: SpecOf<'json-schema'>, output: Json | undefined) => jsonSchemaAssertion.evaluate(spec, makeRun({ output }), ctx);

const orderSchema: Json = {
  type: 'object',
  required: ['status', 'amount'],
  properties: { status: { enum: ['refunded', 'denied'] }, amount: { type: 'number', minimum: 0 } },
  additionalProperties: false,
};

describe('json-schema', () => {
  it('does not load ajv until the first json-schema assertion', async () => {
    expect(ajvLoaded()).toBe(false);
    const pending = jsonSchemaAssertion.evaluate({ type: 'json-schema', schema: { type: 'string' } }, makeRun({ output: 'x' }), ctx);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ pass: true });
    expect(ajvLoaded()).toBe(true);
  });

  it('passes a valid output', async () => {
    expect(await check({ type: 'json-schema', schema: orderSchema }, { status: 'refunded', amount: 20 })).toEqual({
      pass: true,
      score: 1,
      message: 'output matches the schema',
    });
  });

  it('fails with every ajv error and its instance path', async () => {
    const result = await check({ type: 'json-schema', schema: orderSchema }, { status: 'maybe', amount: -1, extra: true });
    expect(result.pass).toBe(false);
    expect(result.score).toBe(0);
    const errors = (result.evidence as { errors: { instancePath: string; keyword: string }[] }).errors;
    expect(errors.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['', 'additionalProperties'],
      ['/status', 'enum'],
      ['/amount', 'minimum'],
    ]);
    expect(result.message).toBe(
      'output does not match the schema: (root) must NOT have additional properties ("extra"); /status must be equal to one of the allowed values (["refunded","denied"]); /amount must be >= 0',
    );
  });

  it('validates the value at a path, and fails on a missing path or output', async () => {
    const schema: Json = { type: 'string' };
    expect((await check({ type: 'json-schema', schema, path: '/order/status' }, { order: { status: 'x' } })).pass).toBe(true);
    expect((await check({ type: 'json-schema', schema, path: '/order/status' }, { order: {} })).message).toContain('no key "status"');
    expect((await check({ type: 'json-schema', schema }, undefined)).message).toContain('returned no output');
  });

  it('reports a bad schema as an assertion error', async () => {
    const result = await check({ type: 'json-schema', schema: { type: 'strnig' } }, 'x');
    expect(result.pass).toBe(false);
    expect(result.error).toMatch(/^invalid JSON schema: schema is invalid: data\/type/);
    expect((await check({ type: 'json-schema', schema: { $ref: '#/definitions/none' } }, 'x')).error).toContain("can't resolve reference");
    expect((await check({ type: 'json-schema', schema: 'string' }, 'x')).error).toContain('must be an object or a boolean');
  });

  it('checks common formats and refuses unknown ones instead of ignoring them', async () => {
    expect((await check({ type: 'json-schema', schema: { format: 'email' } }, 'a@b.co')).pass).toBe(true);
    expect((await check({ type: 'json-schema', schema: { format: 'email' } }, 'nope')).pass).toBe(false);
    expect((await check({ type: 'json-schema', schema: { format: 'date' } }, '2024-13-01')).pass).toBe(false);
    expect((await check({ type: 'json-schema', schema: { format: 'hostname' } }, 'x')).error).toContain('unknown format "hostname"');
  });

  it('follows $schema to the 2020-12 dialect and rejects unsupported ones', async () => {
    const schema: Json = { $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'number' }], items: false };
    expect((await check({ type: 'json-schema', schema }, [1])).pass).toBe(true);
    expect((await check({ type: 'json-schema', schema }, [1, 2])).pass).toBe(false);
    expect((await check({ type: 'json-schema', schema: { $schema: 'http://json-schema.org/draft-04/schema#' } }, 1)).error).toContain('not supported');
  });

  it('lets two schemas share an $id', async () => {
    expect((await check({ type: 'json-schema', schema: { $id: 'https://x/a', type: 'string' } }, 'x')).pass).toBe(true);
    expect((await check({ type: 'json-schema', schema: { $id: 'https://x/a', type: 'number' } }, 1)).pass).toBe(true);
  });

  it('compiles a schema once and answers synchronously once ajv is loaded', async () => {
    await loadAjv();
    const schema: Json = { type: 'object', required: ['id'] };
    const first = compileSchema(schema);
    expect(compileSchema(schema)).toBe(first);
    expect(compileSchema(JSON.parse(JSON.stringify(schema)) as Json)).toBe(first);
    const result = jsonSchemaAssertion.evaluate({ type: 'json-schema', schema }, makeRun({ output: { id: 1 } }), ctx);
    expect(result).toMatchObject({ pass: true });
  });

  it('describes itself with the schema title', () => {
    expect(jsonSchemaAssertion.describe({ type: 'json-schema', schema: { title: 'Order' } })).toBe('output matches JSON schema "Order"');
    expect(jsonSchemaAssertion.describe({ type: 'json-schema', schema: {}, path: '/a' })).toBe('output at /a matches JSON schema');
  });
});
