import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../model/case.js';
import type { CaseResult } from '../../model/result.js';
import { renderReplay } from './replay.js';

const model: TimelineEvent = { type: 'model', request: { messages: [] }, response: {} };
const tool = (name: string, args: Record<string, string>): TimelineEvent => ({ type: 'tool', name, args, result: null });

function result(replayed: TimelineEvent[], extra: Partial<CaseResult['attempts'][number]> = {}): CaseResult {
  return {
    key: 'replay/replay',
    suite: 'replay',
    id: 'replay',
    title: 't',
    tags: [],
    file: 'run.json',
    status: 'passed',
    passes: 1,
    durationMs: 1,
    recordedTrajectory: [
      { tool: 'lookup_order', args: { orderId: 'A-1' } },
      { tool: 'issue_refund', args: { orderId: 'A-1' } },
    ],
    attempts: [{ status: 'passed', durationMs: 1, score: 1, assertions: [], timeline: replayed, output: { reply: 'ok' }, ...extra }],
  };
}
const recorded = [model, tool('lookup_order', { orderId: 'A-1' }), model, tool('issue_refund', { orderId: 'A-1' }), model];

describe('renderReplay', () => {
  it('names the first differing call with its step in both timelines', () => {
    const text = renderReplay(result([model, tool('lookup_order', { orderId: 'A-1' }), model, model, tool('escalate', { reason: 'x' })]), recorded, 'fixed', 'captured failing, now passes');
    expect(text).toBe(
      [
        'Recorded: lookup_order {"orderId":"A-1"} → issue_refund {"orderId":"A-1"}',
        'Replayed: lookup_order {"orderId":"A-1"} → escalate {"reason":"x"}',
        'Departs at tool call 2 (recorded step 3, replayed step 4): recorded issue_refund {"orderId":"A-1"}; replayed escalate {"reason":"x"}',
        'Output: {"reply":"ok"}',
        'Verdict: fixed (captured failing, now passes)',
        '',
      ].join('\n'),
    );
  });

  it('shows a divergence and an error instead of the output', () => {
    const text = renderReplay(
      result([model, tool('lookup_order', { orderId: 'A-1' })], {
        status: 'diverged',
        divergence: { kind: 'unmatched-tool-call', step: 2, message: 'no recorded issue_refund call matches', tool: 'issue_refund', args: { orderId: 'B-2' } },
        error: { code: 'AGENT_THREW', message: 'stopped' },
      }),
      recorded,
      'errored',
      '',
    );
    expect(text).toContain('Replayed: lookup_order {"orderId":"A-1"} → issue_refund {"orderId":"B-2"} ✗');
    expect(text).toContain('Departs at tool call 2 (recorded step 3): recorded issue_refund {"orderId":"A-1"}; replayed issue_refund {"orderId":"B-2"} ✗');
    expect(text).toContain('Diverged: no recorded issue_refund call matches');
    expect(text).toContain('Error: stopped');
    expect(text).not.toContain('Output:');
    expect(text).toMatch(/Verdict: errored\n$/);
  });
});
