import { describe, expect, it } from 'vitest';
import type { RunArtifact } from '../model/run-artifact.js';
import { checkCase } from '../case/load-case.js';
import type { ImportedRun } from '../import/trace-to-run.js';
import { draftCase, finalizeCase } from './build-case.js';
import { caseFromRun } from './replay-case.js';

const SECRET = 'sk-proj-Xb7kR2mQ9vL4tN8pW1zY6cH3jF5dS0aE';

function run(overrides: Partial<RunArtifact> = {}): ImportedRun {
  const artifact: RunArtifact = {
    format: 'rehearse.run',
    version: 1,
    runId: 'run-1',
    agent: { name: 'bot', version: '2.0.0' },
    startedAt: '2026-01-15T10:00:00.000Z',
    endedAt: '2026-01-15T10:00:01.000Z',
    durationMs: 1000,
    input: { email: 'ada@example.com', question: 'refund A-1042' },
    timeline: [
      { type: 'model', request: { messages: [{ role: 'user', content: 'refund A-1042, mail ada@example.com' }] }, response: { toolCalls: [{ id: 'c1', name: 'lookup_customer', args: { email: 'ada@example.com' } }] } },
      { type: 'tool', name: 'lookup_customer', callId: 'c1', args: { email: 'ada@example.com' }, result: { id: 'C-1', apiKey: SECRET } },
      { type: 'tool', name: 'issue_refund', args: { orderId: 'A-1042' } },
    ],
    output: `Refunded A-1042. Key ${SECRET}`,
    status: 'ok',
    ...overrides,
  };
  return { run: artifact, source: { kind: 'capture', runId: 'run-1' } };
}

describe('draftCase', () => {
  it('redacts input, timeline and outcome in one pass: one placeholder per secret everywhere', () => {
    const { caseData } = draftCase(run(), { note: 'should not refund' });
    const text = JSON.stringify(caseData);
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain(SECRET);
    expect(caseData.input).toEqual({ email: '<<EMAIL_1>>', question: 'refund A-1042' });
    const lookup = caseData.timeline[1]!;
    expect(lookup.type === 'tool' && lookup.args).toEqual({ email: '<<EMAIL_1>>' });
    expect(caseData.outcome.output).toMatch(/Key <<[A-Z_]+_1>>$/);
    const email = caseData.redactions!.find((r) => r.placeholder === '<<EMAIL_1>>')!;
    expect(email.pointers).toEqual(expect.arrayContaining(['/input/email', '/timeline/0/request/messages/0/content', '/timeline/1/args/email']));
  });

  it('an ok run promoted with a note becomes failed; the step comes from the note; tool calls get a result', () => {
    const { caseData, failureStep, suggestions } = draftCase(run(), { note: 'issue_refund should not have run' });
    expect(caseData.outcome.status).toBe('failed');
    expect(failureStep).toEqual({ atStep: 2, source: 'note' });
    expect(caseData.outcome.failure).toEqual({ atStep: 2, summary: 'issue_refund should not have run' });
    expect(caseData.timeline[2]).toEqual({ type: 'tool', name: 'issue_refund', args: { orderId: 'A-1042' }, result: null });
    expect(suggestions.map((s) => s.spec)).toContainEqual({ name: 'does not call issue_refund for A-1042', type: 'tool-not-called', tool: 'issue_refund', args: { orderId: 'A-1042' } });
    expect(caseData.id).toBe('issue-refund-should-not-have-run');
    expect(caseData.source).toEqual({ kind: 'capture', runId: 'run-1', note: 'issue_refund should not have run' });
  });

  it('an ok run without a note stays ok with no failure step', () => {
    const { caseData, failureStep } = draftCase(run());
    expect(caseData.outcome.status).toBe('ok');
    expect(failureStep).toBeUndefined();
    expect(caseData.outcome.failure).toBeUndefined();
  });

  it('keeps the run\'s own redactions, with pointers moved into the case', () => {
    const { caseData } = draftCase(run({ output: 'hi <<EMAIL_1>>', redactions: [{ placeholder: '<<EMAIL_1>>', rule: 'email', pointers: ['/output', '/input/email'] }] }));
    const email = caseData.redactions!.find((r) => r.placeholder === '<<EMAIL_1>>')!;
    expect(email.pointers).toEqual(expect.arrayContaining(['/outcome/output', '/input/email']));
    // Numbering continues after the placeholders the run already had.
    expect(JSON.stringify(caseData)).not.toContain('ada@example.com');
  });

  it('refuses an --at-step outside the timeline', () => {
    expect(() => draftCase(run(), { atStep: 3 })).toThrow(/outside the run's timeline \(3 steps/);
  });

  it('the finalized case validates against the case schema', () => {
    const draft = draftCase(run({ status: 'errored', error: { message: 'boom', name: 'TypeError' } }));
    const caseData = finalizeCase(draft, draft.suggestions.map((s) => s.spec), { schema: '../../schema/case.schema.json', title: 'Reviewed title' });
    expect(Object.keys(caseData).slice(0, 5)).toEqual(['$schema', 'format', 'version', 'id', 'title']);
    expect(caseData.title).toBe('Reviewed title');
    expect(caseData.outcome.failure?.atStep).toBe(2);
    expect(checkCase(caseData, '/x.case.json', 'x.case.json').ok).toBe(true);
  });

  it('caseFromRun (for replay) keeps the real input and only asserts no-error', () => {
    const caseData = caseFromRun(run({ status: 'failed', failure: { summary: 'wrong', atStep: 1 } }));
    expect(caseData.input).toEqual({ email: 'ada@example.com', question: 'refund A-1042' });
    expect(caseData.assertions).toEqual([{ type: 'no-error' }]);
    expect(caseData.outcome.failure).toEqual({ atStep: 1, summary: 'wrong' });
    expect(checkCase(caseData, '/x.case.json', 'x').ok).toBe(true);
  });
});
