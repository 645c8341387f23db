import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../model/case.js';
import { identifyingArgs, quotedPhrases, shapeSchema, suggestAssertions } from './suggest.js';

const model: TimelineEvent = { type: 'model', request: { messages: [] }, response: {} };
const tool = (name: string, args: Record<string, string | number>, error?: string): TimelineEvent =>
  error ? { type: 'tool', name, args, error: { message: error } } : { type: 'tool', name, args, result: { ok: true } };

describe('suggestAssertions', () => {
  it('a thrown error → no-error', () => {
    const out = suggestAssertions({ timeline: [model], outcome: { status: 'errored', error: { message: 'boom' } } });
    expect(out.map((s) => s.spec)).toEqual([{ type: 'no-error' }]);
    expect(out[0]!.why).toBe('the run threw: boom');
  });

  it('a retried tool → tool-called with its arguments and count 1', () => {
    const args = { orderId: 'A-1061', amountCents: 6450 };
    const timeline = [model, tool('issue_refund', args, 'timeout'), model, tool('issue_refund', { amountCents: 6450, orderId: 'A-1061' }), model];
    const out = suggestAssertions({ timeline, outcome: { status: 'failed', output: 'done' }, atStep: 1 });
    expect(out.map((s) => s.spec)).toEqual([{ name: 'issue_refund called once with these arguments', type: 'tool-called', tool: 'issue_refund', args: { amountCents: 6450, orderId: 'A-1061' }, count: 1 }]);
  });

  it('a loop → max-tool-calls for the tool and max-steps a little above where the loop began', () => {
    const timeline = [model, tool('lookup_order', { orderId: 'A-9' }), model, tool('lookup_order', { orderId: 'A-9' }), model, tool('lookup_order', { orderId: 'A-9' }), model];
    const out = suggestAssertions({ timeline, outcome: { status: 'errored', error: { message: 'looping' } } });
    expect(out.map((s) => s.spec.type)).toEqual(['no-error', 'tool-called', 'max-tool-calls', 'max-steps']);
    expect(out[2]!.spec).toMatchObject({ type: 'max-tool-calls', tool: 'lookup_order', max: 1 });
    expect(out[3]!.spec).toEqual({ type: 'max-steps', max: 5 });
  });

  it('a successful call at the failing step → tool-not-called with the ids that identify it', () => {
    const timeline = [model, tool('lookup_order', { orderId: 'A-1042' }), model, tool('issue_refund', { orderId: 'A-1042', amountCents: 4000, reason: 'damaged' }), model];
    const out = suggestAssertions({ timeline, outcome: { status: 'failed', output: 'refunded' }, atStep: 3 });
    expect(out.map((s) => s.spec)).toEqual([{ name: 'does not call issue_refund for A-1042', type: 'tool-not-called', tool: 'issue_refund', args: { orderId: 'A-1042' } }]);
  });

  it('no tool-not-called when the failing step is a model call or a tool error', () => {
    const timeline = [model, tool('issue_refund', { orderId: 'A-1' }, 'declined'), model];
    expect(suggestAssertions({ timeline, outcome: { status: 'failed', output: 'ok' }, atStep: 1 }).map((s) => s.spec.type)).toEqual(['no-error']);
    expect(suggestAssertions({ timeline, outcome: { status: 'failed', output: 'ok' }, atStep: 2 }).map((s) => s.spec.type)).toEqual(['no-error']);
  });

  it('a phrase the note quotes that the output says → not-contains on the field holding it; object output → json-schema', () => {
    const output = { reply: "I've refunded $64.50.", actions: [] };
    const out = suggestAssertions({ timeline: [model], outcome: { status: 'failed', output }, note: 'It said "I\'ve refunded" and "never said this"' });
    expect(out.map((s) => s.spec)).toEqual([
      { name: 'does not say "I\'ve refunded"', type: 'not-contains', path: '$.reply', value: "I've refunded" },
      { name: 'output shape', type: 'json-schema', schema: { type: 'object', required: ['reply', 'actions'], properties: { reply: { type: 'string' }, actions: { type: 'array' } } } },
    ]);
  });

  it('a string output gets not-contains without a path', () => {
    const out = suggestAssertions({ timeline: [], outcome: { status: 'failed', output: 'Returns are accepted within 90 days.' }, note: 'quoted `90 days` from the stale prompt' });
    expect(out.map((s) => s.spec)).toEqual([{ name: 'does not say "90 days"', type: 'not-contains', value: '90 days' }]);
  });
});

describe('helpers', () => {
  it('identifyingArgs keeps id-like keys, or small argument sets whole', () => {
    expect(identifyingArgs({ orderId: 'A-1', amountCents: 5, reason: 'x' })).toEqual({ orderId: 'A-1' });
    expect(identifyingArgs({ customer_id: 7, note: 'n' })).toEqual({ customer_id: 7 });
    expect(identifyingArgs({ query: 'returns' })).toEqual({ query: 'returns' });
    expect(identifyingArgs({ a: 1, b: 2, c: 3 })).toBeUndefined();
    expect(identifyingArgs('text')).toBeUndefined();
  });

  it('quotedPhrases finds double, curly, backtick and multi-word single quotes, not apostrophes', () => {
    expect(quotedPhrases(`said "all done", “refund issued”, \`90 days\` and 'we are sorry' but it's fine`)).toEqual(['all done', 'refund issued', '90 days', 'we are sorry']);
    expect(quotedPhrases("the customer's order wasn't found")).toEqual([]);
  });

  it('shapeSchema pins keys and types, not values', () => {
    expect(shapeSchema({ n: 1.5, ok: true, none: null, list: [1] })).toEqual({
      type: 'object',
      required: ['n', 'ok', 'none', 'list'],
      properties: { n: { type: 'number' }, ok: { type: 'boolean' }, none: { type: 'null' }, list: { type: 'array' } },
    });
  });
});
