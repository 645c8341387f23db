import { describe, expect, test } from 'vitest';
import type { RunEndInfo } from '../model/index.js';
import { attempt, caseResult, compared, comparisonOf, failedAssertion, modelCallComparison, passedAssertion, realisticComparison } from './comparison-fixture.js';
import { createTerminalReporter, shouldUseColor, type TerminalOptions } from './terminal.js';

/** A stream that records each write. */
function sink(isTTY = false) {
  const writes: string[] = [];
  return { writes, isTTY, write: (chunk: string) => writes.push(chunk), text: () => writes.join('') };
}

async function runReporter(comparison = realisticComparison(), options: TerminalOptions = {}) {
  const stream = (options.stream as ReturnType<typeof sink> | undefined) ?? sink();
  const reporter = createTerminalReporter({ env: {}, ...options, stream });
  const end: RunEndInfo = { results: comparison.head, comparison };
  await reporter.onRunStart?.({ caseCount: comparison.head.cases.length, repeat: 1, concurrency: 1, cwd: '/tmp' });
  for (const result of comparison.head.cases) await reporter.onCaseResult?.(result);
  await reporter.onRunEnd?.(end);
  return stream;
}

describe('terminal reporter', () => {
  test('without colour: a line per case, then cases by verdict with details, then a summary line', async () => {
    const text = (await runReporter()).text();
    expect(text).not.toContain('\u001b[');
    const lines = text.split('\n');
    expect(lines[0]).toBe('✓ passed   refunds/double-refund 2/2 100% (95% CI 34%–100%), pass^2 yes 24 ms');
    expect(lines).toContain('↯ diverged search/typo-query 12 ms');
    expect(lines).toContain('! errored  search/empty-query 0 ms');
    const headings = lines.filter((l) => /^[A-Z][a-z ]+ \(\d+\)$/.test(l));
    expect(headings).toEqual(['Regressed (2)', 'Errored (1)', 'Fixed (1)', 'Still failing (1)', 'Passing (1)']);
    expect(text).toContain(
      [
        '  ✗ refunds/partial-refund  1/3  Partial refund for a late delivery',
        '      ✗ refund amount: issue_refund args differ: amount expected 40, got 400',
        '          - /amount: 40',
        '          + /amount: 400',
        '          + /note: "goodwill"',
        '      ↳ step 3: issue_refund with different arguments',
      ].join('\n'),
    );
    expect(text).toContain('      diverged no recorded call of "filter" matches its arguments\n      ↳ step 2: called filter instead of rank');
    expect(text).toContain("      error AGENT_THREW: TypeError: Cannot read properties of undefined (reading 'trim')");
    expect(text).toContain('      ✗ no grovelling: output contains "sorry" 3 times\n          I am so sorry, sorry, sorry');
    // A fixed case shows where it departs from the (failing) recording, not its assertions.
    expect(text).toContain('  ✓ refunds/double-refund  2/2  Does not refund twice\n      ↳ step 3: stopped before issue_refund');
    // Passing cases are counted, not listed, unless verbose.
    expect(text).not.toContain('  ✓ tone/greeting');
    expect(lines.at(-2)).toBe('2 broke again, 1 errored, 1 fixed, 1 still failing, 1 passing · 6 cases in 4.32 s · 15,456 tokens · $0.0421');
  });

  test('model calls: drift under each drifted case and in the summary; tokens, cost and cache per case and in total', async () => {
    const text = (await runReporter(modelCallComparison())).text();
    const lines = text.split('\n');
    // The streamed case lines: usage as a suffix, drift on a line of its own under the case.
    expect(lines[0]).toBe('✓ passed   refunds/prompt-fix 12 ms · 120 tokens');
    expect(lines[1]).toBe('    ⚠ drift: step 0: model call #1 was answered with the recorded answer of step 0, but its request changed (messages differ from message 1 …): this r… (54 more characters)');
    expect(lines[2]).toBe('    … and 1 more drifted call');
    expect(lines).toContain('✗ failed   search/ranked 12 ms · 1,500 tokens · $0.0031 · cache 3 hits, 1 miss, saved $0.0093');
    expect(lines).toContain('✓ passed   tone/greeting 12 ms');
    // The fix is marked, not shown as a clean pass; the drifted pass is listed although passes are not.
    expect(text).toContain('Fixed (1)\n  ✓ refunds/prompt-fix  1/1  ⚠ drift  New prompt stops the double refund\n      ⚠ drift: step 0: ');
    expect(text).toContain('Passing (2)\n  ✓ tone/polite  2/2  ⚠ drift  Stays polite\n      ⚠ drift: step 0: ');
    expect(text).not.toContain('  ✓ tone/greeting');
    // A repeated case drifting at the same step says so once.
    expect(text.split('\n').filter((l) => l.startsWith('      ⚠ drift: step 0') )).toHaveLength(2);
    expect(lines.at(-3)).toMatch(/^⚠ drift: a model call's prompt changed but it was answered with the recorded answer, .* \(run with --model cached or live to test it\)\.$/);
    expect(lines.at(-2)).toBe('1 broke again, 1 fixed, 2 passing · 4 cases in 4.32 s · 1,740 tokens · $0.0031 · cache saved $0.0093 · ⚠ 2 cases answered with drift');
  });

  test('verbose shows every drift entry; drift text is stripped of escape sequences', async () => {
    const head = caseResult({
      suite: 's',
      id: 'd',
      status: 'passed',
      attempts: [attempt('passed', [passedAssertion('ok')], [], { drift: [{ step: 1, message: 'a \u001b[2Jb\nc' }, { step: 4, message: 'second' }] })],
    });
    const text = (await runReporter(comparisonOf([compared(head, 'passing', 'passes')]), { verbose: true })).text();
    expect(text).not.toContain('\u001b');
    expect(text).toContain('    ⚠ drift: step 1: a b c\n    ⚠ drift: step 4: second\n');
    expect(text.split('\n').at(-2)).toMatch(/· ⚠ 1 case answered with drift$/);
  });

  test('without drift, usage or cache savings the summary shows none of them', async () => {
    const head = caseResult({ suite: 's', id: 'plain', status: 'passed', attempts: [attempt('passed', [passedAssertion('ok')], [])] });
    const comparison = comparisonOf([compared(head, 'passing', 'passes')], 'baseline', { totals: { cases: 1, passed: 1, failed: 0, diverged: 0, errored: 0 } });
    const text = (await runReporter(comparison)).text();
    expect(text).not.toMatch(/drift|tokens|cache|\$/);
    expect(text.split('\n').at(-2)).toBe('1 passing · 1 case in 4.32 s');
  });

  test('verbose lists passing cases', async () => {
    const text = (await runReporter(realisticComparison(), { verbose: true })).text();
    expect(text).toContain('Passing (1)\n  ✓ tone/greeting');
  });

  test('with colour: status symbols and headings are coloured', async () => {
    const text = (await runReporter(realisticComparison(), { color: true })).text();
    expect(text).toContain('\u001b[32m✓\u001b[39m passed');
    expect(text).toContain('\u001b[1m\u001b[31mRegressed (2)\u001b[39m\u001b[22m');
  });

  test('colour follows TTY, NO_COLOR and FORCE_COLOR', () => {
    expect(shouldUseColor({ write() {}, isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ write() {}, isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ write() {}, isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ write() {}, isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ write() {}, isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ write() {}, isTTY: true }, { FORCE_COLOR: '0', NO_COLOR: '' })).toBe(false);
  });

  test('escape sequences in untrusted text are removed', async () => {
    const head = caseResult({
      suite: 's',
      id: 'evil',
      title: 'title \u001b]0;pwned\u0007 \u001b[2J',
      status: 'failed',
      attempts: [attempt('failed', [failedAssertion('a\u001b[31m', 'contains', 'msg \u001b[1A\u001b[2K')], [])],
    });
    const text = (await runReporter(comparisonOf([compared(head, 'still-failing', 'x')]))).text();
    expect(text).not.toContain('\u001b');
    expect(text).toContain('title  ');
  });

  test('a progress line on a TTY, redrawn with \\r and cleared before case lines', async () => {
    const stream = sink(true);
    await runReporter(realisticComparison(), { stream, progressAfterMs: 0, color: false });
    const text = stream.text();
    expect(text).toMatch(/\r\u001b\[2Krunning 1\/6 · 0 not passing · \d+ ms/);
    // The next write clears the progress line before printing case lines.
    expect(text).toMatch(/running 1\/6[^\n]*\r\u001b\[2K[✓✗↯!] /);
    const plain = await runReporter(realisticComparison(), { progressAfterMs: 0 });
    expect(plain.text()).not.toContain('running');
  });

  test('a class with many cases lists 30 and counts the rest, unless verbose', async () => {
    const cases = Array.from({ length: 100 }, (_, i) =>
      compared(caseResult({ suite: 's', id: `c${String(i).padStart(3, '0')}`, status: 'failed', attempts: [attempt('failed', [failedAssertion('a', 'contains', 'no')], [])] }), 'still-failing', 'x'),
    );
    const text = (await runReporter(comparisonOf(cases))).text();
    expect(text.split('\n').filter((l) => l.startsWith('  ✗ s/c'))).toHaveLength(30);
    expect(text).toMatch(/\n {2}… and 70 more \(every case is in the results file/);
    const verbose = (await runReporter(comparisonOf(cases), { verbose: true })).text();
    expect(verbose.split('\n').filter((l) => l.startsWith('  ✗ s/c'))).toHaveLength(100);
    expect(verbose).not.toContain('more (every case');
  });

  test('5,000 cases are written in a few chunks and fast', async () => {
    const cases = Array.from({ length: 5000 }, (_, i) =>
      compared(caseResult({ suite: `s${i % 10}`, id: `case-${i}`, status: 'passed', attempts: [attempt('passed', [passedAssertion('ok')], [])] }), 'passing', 'passed'),
    );
    const comparison = comparisonOf(cases);
    const stream = sink();
    const reporter = createTerminalReporter({ stream, env: {} });
    const started = performance.now();
    reporter.onRunStart?.({ caseCount: 5000, repeat: 1, concurrency: 8, cwd: '/tmp' });
    for (const result of comparison.head.cases) reporter.onCaseResult?.(result);
    reporter.onRunEnd?.({ results: comparison.head, comparison });
    const elapsed = performance.now() - started;
    expect(stream.text().split('\n').filter((l) => l.startsWith('✓ passed')).length).toBe(5000);
    expect(stream.writes.length).toBeLessThan(20);
    // The target is well under 50 ms (about 5 ms measured on an idle machine); the bound allows for a busy CI box.
    expect(elapsed).toBeLessThan(250);
  });
});
