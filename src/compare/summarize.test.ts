import { describe, expect, it } from 'vitest';
import type { AttemptStatus } from '../model/result.js';
import { summarizeAttempts, summarizeSide } from './summarize.js';
import { attempt, caseResult } from './test-support.js';

const LETTERS: Record<string, AttemptStatus> = { P: 'passed', F: 'failed', D: 'diverged', E: 'errored' };
const attempts = (letters: string) => [...letters].map((letter) => attempt(LETTERS[letter] ?? 'errored'));

describe('summarizeAttempts', () => {
  it.each([
    ['', 'errored', 0, 'no attempts: the case never ran'],
    ['P', 'passed', 1, 'one pass'],
    ['PPPPP', 'passed', 5, 'every attempt passed'],
    ['PPPPF', 'failed', 4, 'one failure spoils it'],
    ['PEE', 'failed', 1, 'some passed, the rest errored'],
    ['PD', 'failed', 1, 'some passed, the rest diverged'],
    ['F', 'failed', 0, 'one failure'],
    ['FDE', 'failed', 0, 'an attempt reached the assertions and they said no'],
    ['EF', 'failed', 0, 'a failure outranks a crash'],
    ['D', 'diverged', 0, 'one divergence'],
    ['EDE', 'diverged', 0, 'a divergence outranks a crash'],
    ['E', 'errored', 0, 'one crash'],
    ['EEE', 'errored', 0, 'every attempt crashed'],
  ])('%j → %s with %i passes (%s)', (letters, status, passes) => {
    expect(summarizeAttempts(attempts(letters))).toEqual({ status, passes });
  });
});

describe('summarizeSide', () => {
  it('counts attempts as runs', () => {
    expect(summarizeSide(caseResult('s/a', 'PPF'))).toEqual({ status: 'failed', passes: 2, runs: 3 });
  });

  it('gives a case that never loaded 0 runs', () => {
    const broken = caseResult('s/a', '', { loadError: { code: 'CASE_INVALID', message: 'bad' } });
    expect(summarizeSide(broken, 5)).toEqual({ status: 'errored', passes: 0, runs: 0 });
  });

  it('falls back to the run repeat when a trimmed results file dropped the attempts', () => {
    const trimmed = { ...caseResult('s/a', 'PPPPP'), attempts: [] };
    expect(summarizeSide(trimmed, 5)).toEqual({ status: 'passed', passes: 5, runs: 5 });
    const single = { ...caseResult('s/a', 'F'), attempts: [] };
    expect(summarizeSide(single)).toEqual({ status: 'failed', passes: 0, runs: 1 });
  });

  it('never reports more passes than runs, even from a hand-edited file', () => {
    const edited = { ...caseResult('s/a', 'PP'), passes: 9 };
    expect(summarizeSide(edited)).toEqual({ status: 'passed', passes: 2, runs: 2 });
  });
});
