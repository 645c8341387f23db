import { describe, expect, test } from 'vitest';
import type { Case, TimelineEvent, ToolCallEvent } from '../model/case.js';
import type { AgentFn } from '../model/agent.js';
import { ReplaySession } from './replay-session.js';
import { ReplayDivergenceError } from './replay-errors.js';
import { recordable } from './recordable.js';
import { runWithInterceptor } from './scope.js';
import { replayAttempt } from './replay-attempt.js';

/*
 * The session answers calls made through real `recordable` wrappers inside a real AsyncLocalStorage scope:
 * the same path an agent's module-level tools take during `rehearse run`.
 */

const realCalls: string[] = [];
const lookupOrder = recordable('lookup_order', async (args: { orderId: string }) => {
  realCalls.push(`lookup_order ${args.orderId}`);
  return { orderId: args.orderId, status: 'REAL' };
});
const issueRefund = recordable('issue_refund', async (args: { orderId: string; amountCents: number }) => {
  realCalls.push(`issue_refund ${args.orderId}`);
  return { refundId: 'REAL' };
});

const recorded: TimelineEvent[] = [
  { type: 'model', request: { messages: [{ role: 'user', content: 'where is A-1042?' }] }, response: { toolCalls: [{ id: 'c1', name: 'lookup_order', args: { orderId: 'A-1042' } }] } },
  { type: 'tool', name: 'lookup_order', callId: 'c1', args: { orderId: 'A-1042' }, result: { orderId: 'A-1042', status: 'shipped' } },
  {
    type: 'tool',
    name: 'issue_refund',
    callId: 'c2',
    args: { orderId: 'A-1042', amountCents: 4999 },
    error: { message: 'gateway timed out after 30000 ms', name: 'GatewayTimeoutError', code: 'ETIMEDOUT', stack: 'GatewayTimeoutError: …' },
  },
];

function makeCase(fields: Partial<Case> = {}): Case {
  return {
    format: 'rehearse.case',
    version: 1,
    id: 'refund-timeout',
    title: 'refund after a gateway timeout',
    input: { orderId: 'A-1042' },
    timeline: recorded,
    outcome: { status: 'failed' },
    assertions: [],
    ...fields,
  };
}

describe('ReplaySession with recordable tools', () => {
  test('answers from the recording without calling the real tool, and records the replayed call', async () => {
    realCalls.length = 0;
    const session = new ReplaySession(recorded);
    const result = await runWithInterceptor(session, () => lookupOrder({ orderId: 'A-1042' }));
    expect(result).toEqual({ orderId: 'A-1042', status: 'shipped' });
    expect(realCalls).toEqual([]);
    expect(session.timeline).toEqual([{ type: 'tool', name: 'lookup_order', callId: 'c1', args: { orderId: 'A-1042' }, result: { orderId: 'A-1042', status: 'shipped' } }]);
    expect(session.divergence).toBeUndefined();
  });

  test('throws a recorded error again with the same message, name and code', async () => {
    const session = new ReplaySession(recorded);
    const error = await runWithInterceptor(session, () => issueRefund({ orderId: 'A-1042', amountCents: 4999 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ message: 'gateway timed out after 30000 ms', name: 'GatewayTimeoutError', code: 'ETIMEDOUT' });
    expect(String(error)).toBe('GatewayTimeoutError: gateway timed out after 30000 ms');
    const event = session.timeline[0] as ToolCallEvent;
    expect(event.error?.message).toBe('gateway timed out after 30000 ms');
    expect('result' in event).toBe(false);
    expect(session.divergence).toBeUndefined();
  });

  test('an unmatched call throws into the agent and is kept as the divergence, with the nearest call and its diff', async () => {
    const session = new ReplaySession(recorded);
    const agent = async (): Promise<void> => {
      await lookupOrder({ orderId: 'A-1042' });
      await lookupOrder({ orderId: 'A-1043' });
    };
    const error = await runWithInterceptor(session, agent).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayDivergenceError);
    expect((error as ReplayDivergenceError).code).toBe('REHEARSE_DIVERGED');
    expect(session.divergence).toEqual({
      kind: 'unmatched-tool-call',
      step: 1,
      message: 'step 1: no unused recorded call of tool "lookup_order" has these arguments',
      tool: 'lookup_order',
      args: { orderId: 'A-1043' },
      nearest: { step: 1, args: { orderId: 'A-1042' }, diff: [{ type: 'UPDATE', key: 'orderId', value: 'A-1043', oldValue: 'A-1042' }] },
    });
    // The unanswered call is part of the replayed timeline, marked as not answered.
    expect(session.timeline[1]).toMatchObject({ name: 'lookup_order', args: { orderId: 'A-1043' }, error: { name: 'ReplayDivergenceError' } });
  });

  test('the first divergence is kept even when the agent catches it and diverges again', async () => {
    const session = new ReplaySession(recorded);
    await runWithInterceptor(session, async () => {
      await lookupOrder({ orderId: 'X-1' }).catch(() => undefined);
      await issueRefund({ orderId: 'X-1', amountCents: 1 }).catch(() => undefined);
    });
    expect(session.divergences.map((d) => d.args)).toEqual([{ orderId: 'X-1' }, { orderId: 'X-1', amountCents: 1 }]);
    expect(session.divergence?.tool).toBe('lookup_order');
  });

  test('a call to a tool the recording never used diverges without a nearest call', async () => {
    const escalate = recordable('escalate', async (_: { reason: string }) => 'ticket');
    const session = new ReplaySession(recorded);
    await expect(runWithInterceptor(session, () => escalate({ reason: 'angry' }))).rejects.toThrow('step 0: the recording has no call to tool "escalate"');
    expect(session.divergence?.nearest).toBeUndefined();
  });

  test('a live tool calls the real function and records its result and duration in the replayed timeline', async () => {
    realCalls.length = 0;
    const session = new ReplaySession(recorded, { tools: { lookup_order: { match: 'live' } } });
    const result = await runWithInterceptor(session, () => lookupOrder({ orderId: 'Z-9' }));
    expect(result).toEqual({ orderId: 'Z-9', status: 'REAL' });
    expect(realCalls).toEqual(['lookup_order Z-9']);
    expect(session.timeline[0]).toMatchObject({ type: 'tool', name: 'lookup_order', args: { orderId: 'Z-9' }, result: { orderId: 'Z-9', status: 'REAL' } });
    expect((session.timeline[0] as ToolCallEvent).durationMs).toBeGreaterThanOrEqual(0);
  });

  test('a live tool that throws is recorded with its error and the error reaches the agent unchanged', async () => {
    const failing = recordable('flaky', async () => {
      throw Object.assign(new TypeError('socket hang up'), { code: 'ECONNRESET' });
    });
    const session = new ReplaySession([], { defaultTool: { match: 'live' } });
    const error = await runWithInterceptor(session, () => failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(session.timeline[0]).toMatchObject({ name: 'flaky', args: null, error: { message: 'socket hang up', name: 'TypeError', code: 'ECONNRESET' } });
  });

  test('recorded results are copied on repeat attempts, so an agent that mutates them cannot change the next attempt', async () => {
    const session = new ReplaySession(recorded, { copyResults: true });
    const result = (await runWithInterceptor(session, () => lookupOrder({ orderId: 'A-1042' }))) as { status: string };
    result.status = 'mutated';
    expect((recorded[1] as ToolCallEvent).result).toEqual({ orderId: 'A-1042', status: 'shipped' });
  });
});

describe('replayAttempt', () => {
  test('runs the agent with its input and ctx, and returns output and the replayed trajectory', async () => {
    const agent: AgentFn = async (input, ctx) => {
      expect(ctx).toMatchObject({ caseKey: 'support/refund-timeout', attempt: 1 });
      expect(ctx.signal.aborted).toBe(false);
      // The ctx helper is the same recordable: tools made from it inside the agent are replayed too.
      const viaCtx = ctx.recordable('lookup_order', async (_: { orderId: string }) => 'REAL');
      const order = await viaCtx({ orderId: (input as { orderId: string }).orderId });
      return { said: `status ${(order as unknown as { status: string }).status}` };
    };
    const run = await replayAttempt({ agent, caseData: makeCase(), caseKey: 'support/refund-timeout', attempt: 1, timeoutMs: 1000 });
    expect(run.output).toEqual({ said: 'status shipped' });
    expect(run.error).toBeUndefined();
    expect(run.timeline).toHaveLength(1);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('an unmatched call makes the run diverged, with step, args, nearest and diff', async () => {
    const agent: AgentFn = async () => {
      await lookupOrder({ orderId: 'A-1042' });
      await issueRefund({ orderId: 'A-1042', amountCents: 5000 });
      return 'done';
    };
    const run = await replayAttempt({ agent, caseData: makeCase(), caseKey: 's/c', attempt: 1, timeoutMs: 1000 });
    expect(run.divergence).toMatchObject({
      kind: 'unmatched-tool-call',
      step: 1,
      tool: 'issue_refund',
      args: { orderId: 'A-1042', amountCents: 5000 },
      nearest: { step: 2, args: { orderId: 'A-1042', amountCents: 4999 }, diff: [{ type: 'UPDATE', key: 'amountCents', value: 5000, oldValue: 4999 }] },
    });
    // The agent let the divergence error escape: it is also the run's error.
    expect(run.error).toMatchObject({ code: 'AGENT_THREW', name: 'ReplayDivergenceError' });
  });

  test('case policies win over config policies, per tool', async () => {
    const agent: AgentFn = async () => lookupOrder({ orderId: 'anything' });
    const caseData = makeCase({ replay: { tools: { lookup_order: { match: 'sequential' } } } });
    const run = await replayAttempt({ agent, caseData, caseKey: 's/c', attempt: 1, timeoutMs: 1000, tools: { lookup_order: { match: 'live' } } });
    expect(run.output).toEqual({ orderId: 'A-1042', status: 'shipped' });
  });

  test('an agent that throws: errored with its message, name and stack; the trajectory so far is kept', async () => {
    const agent: AgentFn = async () => {
      await lookupOrder({ orderId: 'A-1042' });
      throw new RangeError('no reply template for status "shipped"');
    };
    const run = await replayAttempt({ agent, caseData: makeCase(), caseKey: 's/c', attempt: 1, timeoutMs: 1000 });
    expect(run.error).toMatchObject({ code: 'AGENT_THREW', name: 'RangeError', message: 'no reply template for status "shipped"' });
    expect(run.error?.stack).toContain('replay-session.test.ts');
    expect(run.timeline).toHaveLength(1);
    expect(run.output).toBeUndefined();
  });

  test('an agent that hangs: AGENT_TIMEOUT after timeoutMs, and its signal is aborted', async () => {
    let signal: AbortSignal | undefined;
    const agent: AgentFn = async (_input, ctx) => {
      signal = ctx.signal;
      await lookupOrder({ orderId: 'A-1042' });
      return new Promise(() => {});
    };
    const started = performance.now();
    const run = await replayAttempt({ agent, caseData: makeCase(), caseKey: 's/c', attempt: 1, timeoutMs: 50 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(run.error).toEqual({ code: 'AGENT_TIMEOUT', message: 'the agent did not finish within 50 ms (step 1)' });
    expect(signal?.aborted).toBe(true);
  });

  test('non-JSON outputs are reduced to JSON for the results file', async () => {
    const at = new Date('2025-06-11T00:00:00.000Z');
    const run = await replayAttempt({ agent: () => ({ at, n: 1 }), caseData: makeCase(), caseKey: 's/c', attempt: 1, timeoutMs: 1000 });
    expect(run.output).toEqual({ at: '2025-06-11T00:00:00.000Z', n: 1 });
    const thrown = await replayAttempt({ agent: () => Promise.reject('plain string'), caseData: makeCase(), caseKey: 's/c', attempt: 1, timeoutMs: 1000 });
    expect(thrown.error).toEqual({ code: 'AGENT_THREW', message: 'the agent threw a non-Error value: plain string' });
  });
});
