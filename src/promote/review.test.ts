import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseSpec, renderSuggestions, reviewSuggestions } from './review.js';
import type { Suggestion } from './suggest.js';

const suggestions: Suggestion[] = [
  { spec: { type: 'no-error' }, why: 'the run threw', accepted: true },
  { spec: { type: 'tool-not-called', tool: 'issue_refund' }, why: 'refund should not happen', accepted: true },
];
const validate = (spec: unknown) => ((spec as { type: string }).type === 'nonsense' ? '/type: unknown assertion type' : undefined);

/** Drives the review with scripted answers, as a user at a terminal would type them. */
async function review(answers: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const done = reviewSuggestions(suggestions, { title: 'Old title', target: 'suites/s/x.case.json', validate, input, output });
  input.end(answers.map((a) => `${a}\n`).join(''));
  return { result: await done, printed };
}

describe('interactive review', () => {
  it('accepts everything with Enter and a confirmation', async () => {
    const { result, printed } = await review(['', 'y']);
    expect(result).toEqual({ title: 'Old title', assertions: [{ type: 'no-error' }, { type: 'tool-not-called', tool: 'issue_refund' }] });
    expect(printed).toContain('1. [x] no-error');
    expect(printed).toContain('Write suites/s/x.case.json with 2 assertions? [Y/n]');
  });

  it('toggles by number, adds one as JSON, edits the title', async () => {
    const { result, printed } = await review(['1', '+ {"type":"nonsense"}', '+ not json', '+ {"type":"contains","value":"sorry"}', 't Better title', '7', '', '']);
    expect(printed).toContain('Not added: /type: unknown assertion type');
    expect(printed).toContain('Not added: not valid JSON');
    expect(printed).toContain('No suggestion 7; choose 1-3.');
    expect(result).toEqual({ title: 'Better title', assertions: [{ type: 'tool-not-called', tool: 'issue_refund' }, { type: 'contains', value: 'sorry' }] });
  });

  it('n at the confirmation goes back; q quits; the end of input cancels', async () => {
    expect((await review(['n', '', 'n', 'a', '', 'yes'])).result?.assertions).toHaveLength(2);
    expect((await review(['q'])).result).toBeUndefined();
    expect((await review(['2'])).result).toBeUndefined();
  });

  it('renderSuggestions and parseSpec', () => {
    expect(renderSuggestions([])).toBe('  (none)\n');
    expect(renderSuggestions(suggestions.slice(1))).toBe('   1. [x] tool-not-called {"tool":"issue_refund"}\n        refund should not happen\n');
    expect(parseSpec('[1]', validate)).toMatch(/JSON object with a "type"/);
  });
});
