import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../model/case.js';
import { inferFailureStep, stepNamedByNote } from './infer-failure.js';

const model: TimelineEvent = { type: 'model', request: { messages: [] }, response: {} };
const ok = (name: string): TimelineEvent => ({ type: 'tool', name, args: {}, result: null });
const failed = (name: string): TimelineEvent => ({ type: 'tool', name, args: {}, error: { message: 'x' } });

describe('inferFailureStep', () => {
  const timeline = [model, ok('lookup_order'), model, failed('issue_refund'), model, ok('issue_refund'), model];

  it('takes the given step first, then the recorded one', () => {
    expect(inferFailureStep({ timeline, given: 5, recorded: 2 })).toEqual({ atStep: 5, source: 'given' });
    expect(inferFailureStep({ timeline, recorded: 2 })).toEqual({ atStep: 2, source: 'recorded' });
  });

  it('then the first tool error', () => {
    expect(inferFailureStep({ timeline, error: { message: 'boom' }, note: 'lookup_order was wrong' })).toEqual({ atStep: 3, source: 'tool-error' });
  });

  it('then the last step before a thrown error', () => {
    expect(inferFailureStep({ timeline: [model, ok('a'), model], error: { message: 'boom' } })).toEqual({ atStep: 2, source: 'before-error' });
  });

  it('then the step the note names, else the last step', () => {
    const clean = [model, ok('lookup_order'), model, ok('issue_refund'), model];
    expect(inferFailureStep({ timeline: clean, note: 'should never have called issue_refund' })).toEqual({ atStep: 3, source: 'note' });
    expect(inferFailureStep({ timeline: clean, note: 'went wrong at step 1' })).toEqual({ atStep: 1, source: 'note' });
    expect(inferFailureStep({ timeline: clean, note: 'bad answer' })).toEqual({ atStep: 4, source: 'last' });
    expect(inferFailureStep({ timeline: [] })).toBeUndefined();
  });

  it('a recorded step past the end is ignored', () => {
    expect(inferFailureStep({ timeline: [model], recorded: 4 })).toEqual({ atStep: 0, source: 'last' });
  });

  it('stepNamedByNote prefers the longest tool name and its last call', () => {
    const t = [ok('lookup'), ok('lookup_order'), ok('lookup_order'), model];
    expect(stepNamedByNote(t, 'called lookup_order twice')).toBe(2);
    expect(stepNamedByNote(t, 'step 9 is past the end')).toBeUndefined();
  });
});
