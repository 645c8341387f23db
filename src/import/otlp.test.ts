import { describe, expect, it } from 'vitest';
import { decodeAnyValue, decodeAttributes, durationMs, isoFromNanos, tracesFromExports, TraceFormatError } from './otlp.js';
import { toChatMessages, toToolDefinitions, unflatten } from './messages.js';

describe('OTLP/JSON decoding', () => {
  it('decodes every AnyValue kind, int64 strings included', () => {
    expect(decodeAnyValue({ stringValue: 'x' })).toBe('x');
    expect(decodeAnyValue({ intValue: '42' })).toBe(42);
    expect(decodeAnyValue({ intValue: '9007199254740993' })).toBe('9007199254740993');
    expect(decodeAnyValue({ doubleValue: 0.5 })).toBe(0.5);
    expect(decodeAnyValue({ boolValue: true })).toBe(true);
    expect(decodeAnyValue({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }] } })).toEqual(['a', 1]);
    expect(decodeAnyValue({ kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } })).toEqual({ k: false });
    expect(decodeAnyValue({ arrayValue: {} })).toEqual([]);
    expect(decodeAnyValue({})).toBeNull();
    expect(decodeAttributes([{ key: 'a', value: { stringValue: '1' } }, { key: 'a', value: { stringValue: '2' } }, { value: {} }])).toEqual({ a: '2' });
  });

  it('groups spans by trace, orders them by start time, and reads base64 ids as hex', () => {
    const traceB64 = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64');
    const exportDoc = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib' },
              spans: [
                { traceId: traceB64, spanId: 'AAAAAAAAAAI=', name: 'second', startTimeUnixNano: '2000000', endTimeUnixNano: '3000000', status: { code: 'STATUS_CODE_ERROR', message: 'x' } },
                { traceId: '0AF7651916CD43DD8448EB211C80319C', spanId: '0000000000000001', name: 'first', startTimeUnixNano: 1000000, endTimeUnixNano: 2500000 },
                { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '0000000000000003', name: 'other', startTimeUnixNano: '1' },
              ],
            },
          ],
        },
      ],
    };
    const traces = tracesFromExports([exportDoc], 'f.json');
    expect(traces.map((t) => t.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c', 'ffffffffffffffffffffffffffffffff']);
    const [first, second] = traces[0]!.spans;
    expect([first!.name, second!.name]).toEqual(['first', 'second']);
    expect(second!.spanId).toBe('0000000000000002');
    expect(second!.status).toEqual({ code: 2, message: 'x' });
    expect(first!.resource).toEqual({ 'service.name': 'svc' });
    expect(first!.scope).toBe('lib');
    expect(durationMs(first!.startNs, first!.endNs)).toBe(1.5);
    expect(isoFromNanos(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123Z');
    expect(() => tracesFromExports([{ spans: [] }], 'f.json')).toThrow(TraceFormatError);
  });
});

describe('message shapes', () => {
  it('AI SDK content parts: text, tool calls, several tool results (one message each), error outputs', () => {
    const messages = toChatMessages([
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', toolCallId: 'a', toolName: 'lookup', input: { id: 1 } }] },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'a', toolName: 'lookup', output: { type: 'json', value: { ok: true } } },
          { type: 'tool-result', toolCallId: 'b', toolName: 'refund', output: { type: 'error-text', value: 'declined' } },
        ],
      },
      { role: 'user', content: [{ type: 'image', image: 'data:...' }] },
    ]);
    expect(messages).toEqual([
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'a', name: 'lookup', args: { id: 1 } }] },
      { role: 'tool', content: { ok: true }, toolCallId: 'a', name: 'lookup' },
      { role: 'tool', content: { error: { message: 'declined' } }, toolCallId: 'b', name: 'refund' },
      { role: 'user', content: [{ type: 'image', image: 'data:...' }] },
    ]);
  });

  it('OpenAI-style tool_calls with JSON-text arguments, developer → system', () => {
    expect(toChatMessages([{ role: 'developer', content: 'rules' }, { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, { role: 'tool', tool_call_id: 'x', content: 'ok' }])).toEqual([
      { role: 'system', content: 'rules' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'f', args: { a: 1 } }] },
      { role: 'tool', content: 'ok', toolCallId: 'x' },
    ]);
  });

  it('tool definitions in OpenAI, AI SDK and plain shapes', () => {
    expect(toToolDefinitions(['{"type":"function","name":"a","inputSchema":{"type":"object"}}', { type: 'function', function: { name: 'b', description: 'd', parameters: {} } }, { nope: 1 }])).toEqual([
      { name: 'a', parameters: { type: 'object' } },
      { name: 'b', description: 'd', parameters: {} },
    ]);
  });

  it('unflatten rebuilds indexed attributes and records the keys it used', () => {
    const used = new Set<string>();
    expect(unflatten({ 'p.0.role': 'user', 'p.0.content': 'hi', 'p.2.role': 'assistant', other: 1 }, 'p.', used)).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant' }]);
    expect([...used].sort()).toEqual(['p.0.content', 'p.0.role', 'p.2.role']);
    expect(unflatten({}, 'p.')).toBeUndefined();
  });
});
