import { describe, expect, it } from 'vitest';
import type { RunResults } from '../model/result.js';
import { durationsFromResults } from './durations.js';

describe('durationsFromResults', () => {
  it('keys each case duration by its file as the split sees it, adding up a key seen twice', () => {
    const results = {
      cases: [
        { file: 'suites/a/x.case.json', durationMs: 120 },
        { file: 'suites/a/y.case.json', durationMs: 30 },
        { file: 'suites/a/x.case.json', durationMs: 5 },
      ],
    } as unknown as RunResults;
    expect(durationsFromResults(results, (file) => `base/${file}`)).toEqual(
      new Map([
        ['base/suites/a/x.case.json', 125],
        ['base/suites/a/y.case.json', 30],
      ]),
    );
  });
});
