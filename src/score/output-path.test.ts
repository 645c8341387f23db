import { describe, expect, it } from 'vitest';
import { resolveOutputPath } from './output-path.js';

const output = {
  order: { status: 'refunded', items: [{ sku: 'A-1' }, { sku: 'B-2' }] },
  'a/b': { '~x': 1 },
  'odd key': true,
  zero: 0,
};

describe('resolveOutputPath', () => {
  it('selects by JSON pointer, with ~0 and ~1 escapes', () => {
    expect(resolveOutputPath(output, '/order/status')).toEqual({ ok: true, value: 'refunded' });
    expect(resolveOutputPath(output, '/order/items/1/sku')).toEqual({ ok: true, value: 'B-2' });
    expect(resolveOutputPath(output, '/a~1b/~0x')).toEqual({ ok: true, value: 1 });
    expect(resolveOutputPath(output, '/zero')).toEqual({ ok: true, value: 0 });
  });

  it('selects by dotted path, with or without $, brackets and quoted keys', () => {
    expect(resolveOutputPath(output, '$.order.items[0].sku')).toEqual({ ok: true, value: 'A-1' });
    expect(resolveOutputPath(output, 'order.status')).toEqual({ ok: true, value: 'refunded' });
    expect(resolveOutputPath(output, "$['odd key']")).toEqual({ ok: true, value: true });
    expect(resolveOutputPath(output, '$["a/b"]["~x"]')).toEqual({ ok: true, value: 1 });
    expect(resolveOutputPath(output, '$.order.items[-1].sku')).toEqual({ ok: true, value: 'B-2' });
    expect(resolveOutputPath(output, '$.order.items.1.sku')).toEqual({ ok: true, value: 'B-2' });
  });

  it('selects the whole output with an empty path or $', () => {
    expect(resolveOutputPath(output, '')).toEqual({ ok: true, value: output });
    expect(resolveOutputPath('text', '$')).toEqual({ ok: true, value: 'text' });
  });

  it('looks inside an output that is JSON text', () => {
    expect(resolveOutputPath('{"order":{"status":"open"}}', '/order/status')).toEqual({ ok: true, value: 'open' });
  });

  it('says what is missing and where', () => {
    const key = resolveOutputPath(output, '/order/state');
    expect(key).toMatchObject({ ok: false, reason: 'missing' });
    expect(!key.ok && key.message).toBe('no value at "/order/state": $.order has no key "state" (keys: status, items)');

    const index = resolveOutputPath(output, '$.order.items[2].sku');
    expect(!index.ok && index.message).toContain('$.order.items has 2 items, no index 2');

    const scalar = resolveOutputPath(output, '/order/status/code');
    expect(!scalar.ok && scalar.message).toContain('$.order.status is a string, not an object or array');

    const notIndex = resolveOutputPath(output, '/order/items/first');
    expect(!notIndex.ok && notIndex.message).toContain('"first" is not an index');

    const none = resolveOutputPath(undefined, '/order');
    expect(none).toMatchObject({ ok: false, reason: 'missing' });
    expect(!none.ok && none.message).toContain('the agent returned no output');
  });

  it('rejects malformed paths as invalid, not missing', () => {
    for (const path of ['$.order..status', '$.order[', '$.items[abc]', '$.items[*]', '$.*', '/a~2b', '$x']) {
      const result = resolveOutputPath(output, path);
      expect(result, path).toMatchObject({ ok: false, reason: 'invalid' });
    }
  });
});
