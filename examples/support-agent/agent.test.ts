import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Case, Json } from 'rehearse';
import { runWithInterceptor } from '../../src/replay/scope.js';
import { createSupportAgent } from './agent.js';
import type { SupportInput } from './agent.js';
import { FakeBackend } from './backend.js';
import { scriptedModel, systemPrompt, findOrderId } from './policy.js';
import { findOrderIdV1, scriptedModelV1, systemPromptV1 } from './policy-v1.js';
import { createSupportTools } from './tools.js';

/** Runs one variant against a fresh backend, outside any replay: the services answer for real. */
async function run(version: 'v1' | 'current', input: SupportInput) {
  const backend = new FakeBackend();
  const model = version === 'v1' ? scriptedModelV1 : scriptedModel;
  const prompt = version === 'v1' ? systemPromptV1 : systemPrompt;
  const agent = createSupportAgent({ model, systemPrompt: prompt, tools: createSupportTools(backend) });
  try {
    const output = await agent(input);
    return { backend, output, tools: output.actions.map((a) => a.tool), error: undefined };
  } catch (error) {
    return { backend, output: undefined, tools: [], error: error as Error };
  }
}

describe('bugs v1 had and the current agent fixes', () => {
  it('double refund: v1 retries a timed-out refund; current refunds once and says it is unconfirmed', async () => {
    const input = { customerId: 'C-200', message: 'The towel set from order A-1061 arrived damaged, can I get a refund please?' };
    const v1 = await run('v1', input);
    expect(v1.backend.refunds.map((r) => r.amountCents)).toEqual([6450, 6450]);
    expect(v1.output?.reply).toContain("I've refunded $64.50");
    const now = await run('current', input);
    expect(now.backend.refunds).toHaveLength(1);
    expect(now.tools).toEqual(['lookup_order', 'issue_refund']);
    expect(now.output?.reply).toContain("haven't retried");
  });

  it('over the limit: v1 refunds $329.00 then escalates; current only escalates', async () => {
    const input = { customerId: 'C-100', message: 'My espresso machine (order A-1050) stopped working after a week. I want a refund.' };
    const v1 = await run('v1', input);
    expect(v1.backend.refunds).toEqual([expect.objectContaining({ orderId: 'A-1050', amountCents: 32900 })]);
    expect(v1.tools).toEqual(['lookup_order', 'issue_refund', 'escalate_to_human']);
    const now = await run('current', input);
    expect(now.backend.refunds).toEqual([]);
    expect(now.backend.tickets).toEqual([expect.objectContaining({ priority: 'normal', queue: 'billing' })]);
    expect(now.output?.reply).toMatch(/approval/);
  });

  it("missing order number: v1 uses the prompt's example id and refunds a stranger; current asks", async () => {
    const input = { customerId: 'C-300', message: 'I want my money back for my last order, the box arrived empty.' };
    const v1 = await run('v1', input);
    expect(v1.backend.refunds).toEqual([expect.objectContaining({ orderId: 'A-1001' })]);
    expect(v1.backend.orders.get('A-1001')?.customerId).toBe('C-400');
    const now = await run('current', input);
    expect(now.tools).toEqual([]);
    expect(now.output?.reply).toMatch(/which order/i);
  });

  it('declined refund: v1 says it refunded; current says it was declined', async () => {
    const input = { customerId: 'C-300', message: 'Please refund order A-1033, the napkins were the wrong colour.' };
    const v1 = await run('v1', input);
    expect(v1.backend.refunds).toEqual([]);
    expect(v1.output?.actions.at(-1)).toMatchObject({ tool: 'issue_refund', ok: false });
    expect(v1.output?.reply).toContain("I've refunded $18.00");
    const now = await run('current', input);
    expect(now.output?.reply).toContain('declined');
    expect(now.output?.reply).not.toContain("I've refunded");
  });

  it('unknown order: v1 loops on lookup_order until the step limit; current asks once', async () => {
    const input = { customerId: 'C-200', message: 'Where is my order A-9999? It was supposed to come yesterday.' };
    const v1 = await run('v1', input);
    expect(v1.error?.message).toMatch(/no reply after 8 model calls/);
    const now = await run('current', input);
    expect(now.tools).toEqual(['lookup_order']);
    expect(now.output?.reply).toMatch(/double-check/);
  });

  it('"#1043": v1 looks up "1043" and loops; current normalises it to A-1043', async () => {
    const input = { customerId: 'C-200', message: "Hi, where's order #1043? It's been a week." };
    expect((await run('v1', input)).error).toBeInstanceOf(Error);
    const now = await run('current', input);
    expect(now.output?.actions).toEqual([{ tool: 'lookup_order', args: { orderId: 'A-1043' }, ok: true }]);
    expect(now.output?.reply).toContain('1Z999AA10123456784');
  });

  it('return window: v1 quotes the stale 90 days; current quotes the help centre', async () => {
    const input = { customerId: 'C-200', message: 'How long do I have to return something?' };
    expect((await run('v1', input)).output?.reply).toContain('90 days');
    const now = await run('current', input);
    expect(now.output?.reply).toContain('30 days');
    expect(now.output?.actions[0]?.args).toEqual({ query: 'return' });
  });
});

describe('what the current agent still gets wrong (on purpose, for the demo)', () => {
  it("still refunds another customer's order: neither version checks ownership", async () => {
    const input = { customerId: 'C-200', message: 'Order A-1042 arrived with a cracked mug, please refund it.' };
    for (const version of ['v1', 'current'] as const) {
      const { backend } = await run(version, input);
      expect(backend.orders.get('A-1042')?.customerId).toBe('C-100');
      expect(backend.refunds).toEqual([expect.objectContaining({ orderId: 'A-1042', amountCents: 4999 })]);
    }
  });

  it('regression: a transient 503 on lookup, which v1 retried through, now ends in "couldn\'t find"', async () => {
    const input = { customerId: 'C-300', message: 'Has my rug shipped yet? Order A-1088.' };
    const v1 = await run('v1', input);
    expect(v1.tools).toEqual(['lookup_order', 'lookup_order']);
    expect(v1.output?.reply).toContain('JD014600006281234567');
    const now = await run('current', input);
    expect(now.output?.actions).toEqual([
      { tool: 'lookup_order', args: { orderId: 'A-1088' }, ok: false, error: expect.stringContaining('503') },
    ]);
    expect(now.output?.reply).toContain("couldn't find order A-1088");
  });
});

describe('behaviour both versions share', () => {
  it('escalates an upset customer: urgent for gold tier, high otherwise', async () => {
    const message = "This is the THIRD time I'm writing about my order!!! I'm filing a chargeback.";
    for (const version of ['v1', 'current'] as const) {
      const gold = await run(version, { customerId: 'C-100', message });
      expect(gold.tools).toEqual(['get_customer', 'escalate_to_human']);
      expect(gold.backend.tickets[0]?.priority).toBe('urgent');
      expect(gold.output?.reply).toMatch(/^I'm sorry, Dana\. .*ticket T-5001/);
      const standard = await run(version, { customerId: 'C-200', message });
      expect(standard.backend.tickets[0]?.priority).toBe('high');
    }
  });

  it('cancels only unshipped orders', async () => {
    const unshipped = await run('current', { customerId: 'C-300', message: 'Please cancel order A-1077.' });
    expect(unshipped.tools).toEqual(['lookup_order', 'escalate_to_human']);
    const shipped = await run('current', { customerId: 'C-200', message: 'Please cancel order A-1043.' });
    expect(shipped.tools).toEqual(['lookup_order']);
    expect(shipped.output?.reply).toContain("can't be cancelled");
  });

  it('rejects input that is not { message, customerId }', async () => {
    const agent = createSupportAgent({ model: scriptedModel, systemPrompt, tools: createSupportTools(new FakeBackend()) });
    await expect(agent({ message: 42 } as unknown as SupportInput)).rejects.toThrow(/input must be/);
  });
});

describe('order ids', () => {
  it.each([
    ['Where is A-1043?', 'A-1043', 'A-1043'],
    ['where is a-1043', 'A-1043', undefined],
    ["where's order #1043", 'A-1043', '1043'],
    ['order number 1043 please', 'A-1043', undefined],
    ['my last order', undefined, undefined],
  ])('%j → current %s, v1 %s', (text, current, v1) => {
    expect(findOrderId(text)).toBe(current);
    expect(findOrderIdV1(text)).toBe(v1);
  });
});

describe('replay', () => {
  it('answers the tools from an interceptor instead of the backend (they are recordable)', async () => {
    const backend = new FakeBackend();
    const agent = createSupportAgent({ model: scriptedModel, systemPrompt, tools: createSupportTools(backend) });
    const recorded: Json = { orderId: 'A-1043', status: 'delivered', deliveredAt: '2030-01-01' };
    const seen: unknown[] = [];
    const interceptor = {
      callTool: async (name: string, args: unknown) => {
        seen.push({ name, args });
        return recorded;
      },
    };
    const output = await runWithInterceptor(interceptor, () => agent({ customerId: 'C-200', message: 'Where is A-1043?' }));
    expect(seen).toEqual([{ name: 'lookup_order', args: { orderId: 'A-1043' } }]);
    expect(output.reply).toBe('Order A-1043 was delivered on 2030-01-01.');
  });
});

describe('suites/support cases', () => {
  const dir = fileURLToPath(new URL('../../suites/support/', import.meta.url));
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.case.json'))
    .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Case);

  it('there are enough of them to show every verdict', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(new Set(cases.map((c) => c.outcome.status))).toEqual(new Set(['failed', 'errored', 'ok']));
  });

  // The recordings are what v1 did. If v1 (or the backend) changes, this says which case is now stale.
  it.each(cases.map((c) => [c.id, c] as const))('%s: v1 still makes exactly the recorded calls and output', async (_id, c) => {
    const result = await run('v1', c.input as unknown as SupportInput);
    const recordedCalls = c.timeline.flatMap((e) => (e.type === 'tool' ? [{ tool: e.name, args: e.args, ok: e.error === undefined }] : []));
    if (c.outcome.status === 'errored') {
      expect(result.error?.message).toBe(c.outcome.error?.message);
    } else {
      expect(result.output?.actions.map(({ tool, args, ok }) => ({ tool, args, ok }))).toEqual(recordedCalls);
      expect(result.output).toEqual(c.outcome.output);
    }
    const failureStep = c.outcome.failure?.atStep;
    if (failureStep !== undefined) expect(c.timeline[failureStep]).toBeDefined();
  });
});
