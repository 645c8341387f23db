/**
 * Builders for the score tests: a replayed run from a compact list of calls, and a minimal case.
 * Test-only; nothing in the library imports this file.
 */
import type { Case, ModelCallEvent, TimelineEvent, ToolCallEvent, Usage } from '../model/case.js';
import type { Json } from '../model/json.js';
import type { ReplayedRun } from '../model/run.js';
import type { AssertionContext } from './types.js';

export function tool(name: string, args: Json = {}, result?: Json): ToolCallEvent {
  return result === undefined ? { type: 'tool', name, args } : { type: 'tool', name, args, result };
}

export function model(usage?: Usage, text = 'ok'): ModelCallEvent {
  return { type: 'model', request: { messages: [] }, response: usage ? { text, usage } : { text } };
}

export function makeRun(fields: Partial<ReplayedRun> & { timeline?: TimelineEvent[] } = {}): ReplayedRun {
  return { timeline: [], durationMs: 10, ...fields };
}

export function makeCase(fields: Partial<Case> = {}): Case {
  return {
    format: 'rehearse.case',
    version: 1,
    id: 'refund-1',
    title: 'refund',
    input: { message: 'refund my order' },
    timeline: [],
    outcome: { status: 'failed' },
    assertions: [],
    ...fields,
  };
}

export function context(fields: Partial<Case> = {}, caseFile = '/tmp/rehearse-score/suites/support/refund-1.case.json'): AssertionContext {
  return { caseData: makeCase(fields), caseFile };
}

/** The outcome of an assertion that must have answered synchronously (the fast path); throws if it did not. */
export function sync<T>(value: T | Promise<T>): T {
  if (value instanceof Promise) throw new Error('expected a synchronous outcome, got a promise');
  return value;
}
