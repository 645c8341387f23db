import { describe, expect, test } from 'vitest';
import { attempt, caseResult, passedAssertion } from './comparison-fixture.js';
import { caseDrift, caseModelUsage, countDriftCases, formatCacheSaved, formatCaseUsage, hasDrift } from './model-usage.js';

const pass = () => [passedAssertion('ok')];

describe('model usage per case', () => {
  test('adds up tokens, cost and cache over the attempts', () => {
    const result = caseResult({
      suite: 's',
      id: 'c',
      status: 'passed',
      attempts: [
        attempt('passed', pass(), [], { usage: { inputTokens: 1000, outputTokens: 200 }, costUsd: 0.01, cache: { hits: 2, misses: 1, savedUsd: 0.02 } }),
        attempt('passed', pass(), [], { usage: { totalTokens: 50 }, cache: { hits: 1, misses: 0 } }),
      ],
    });
    expect(caseModelUsage(result)).toEqual({
      usage: { totalTokens: 1250, inputTokens: 1000, outputTokens: 200 },
      costUsd: 0.01,
      cache: { hits: 3, misses: 1, savedUsd: 0.02 },
    });
    expect(formatCaseUsage(result)).toBe('1,250 tokens · $0.0100 · cache 3 hits, 1 miss, saved $0.0200');
  });

  test('says nothing for a case without model calls, and no savings when the cache saved nothing', () => {
    const none = caseResult({ suite: 's', id: 'n', status: 'passed', attempts: [attempt('passed', pass(), [])] });
    expect(caseModelUsage(none)).toEqual({});
    expect(formatCaseUsage(none)).toBeUndefined();
    const missed = caseResult({ suite: 's', id: 'm', status: 'passed', attempts: [attempt('passed', pass(), [], { costUsd: 1.5, cache: { hits: 0, misses: 1, savedUsd: 0 } })] });
    expect(formatCaseUsage(missed)).toBe('$1.50 · cache 0 hits, 1 miss');
    expect(formatCacheSaved(0)).toBeUndefined();
    expect(formatCacheSaved(undefined)).toBeUndefined();
    expect(formatCacheSaved(2.345)).toBe('cache saved $2.35');
  });

  test('drift of every attempt, each step and message once', () => {
    const d0 = { step: 0, message: 'prompt changed' };
    const d3 = { step: 3, message: 'tools changed' };
    const drifted = caseResult({ suite: 's', id: 'd', status: 'passed', attempts: [attempt('passed', pass(), [], { drift: [d0] }), attempt('passed', pass(), [], { drift: [d0, d3] })] });
    const clean = caseResult({ suite: 's', id: 'c', status: 'passed', attempts: [attempt('passed', pass(), [], { drift: [] })] });
    expect(caseDrift(drifted)).toEqual([d0, d3]);
    expect(caseDrift(clean)).toEqual([]);
    expect(hasDrift(drifted)).toBe(true);
    expect(hasDrift(clean)).toBe(false);
    expect(countDriftCases([drifted, clean, undefined, drifted])).toBe(2);
  });
});
