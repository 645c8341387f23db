import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { attempt, caseResult, compared, comparisonOf, failedAssertion, realisticComparison } from './comparison-fixture.js';
import { createJunitReporter, escapeXml, renderJunit } from './junit.js';

/**
 * A small well-formedness check without an XML package: every tag is balanced and properly nested, every
 * attribute is quoted, no raw `<` or `&` sits outside a tag or entity, and no character XML 1.0 forbids.
 */
function assertWellFormed(xml: string): { name: string; attrs: Record<string, string>; depth: number }[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  expect(xml).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string>; depth: number }[] = [];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let last = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    last = token.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      continue;
    }
    if (close) {
      expect(stack.pop()).toBe(name);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w-]+)="([^"]*)"/g)) {
      expect(a[2]).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      attrs[a[1] as string] = a[2] as string;
    }
    elements.push({ name: name as string, attrs, depth: stack.length });
    if (!selfClose) stack.push(name as string);
  }
  expect(last).toBe(body.length); // nothing left that is neither a tag nor text
  expect(stack).toEqual([]);
  return elements;
}

describe('junit', () => {
  test('testsuites > testsuite per suite > testcase per case, with failures and errors', () => {
    const comparison = realisticComparison();
    const xml = renderJunit(comparison.head, comparison);
    const elements = assertWellFormed(xml);
    const root = elements[0];
    expect(root).toMatchObject({ name: 'testsuites', depth: 0, attrs: { tests: '6', failures: '2', errors: '2', skipped: '0', time: '4.321' } });
    const suites = elements.filter((e) => e.name === 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.errors])).toEqual([
      ['refunds', '2', '1', '0'],
      ['search', '2', '0', '2'],
      ['tone', '2', '1', '0'],
    ]);
    expect(elements.filter((e) => e.name === 'testcase')).toHaveLength(6);
    expect(elements.filter((e) => e.name === 'testcase').every((e) => e.depth === 2)).toBe(true);
    const failures = elements.filter((e) => e.name === 'failure');
    expect(failures.map((f) => f.attrs.message)).toEqual([
      'refund amount: issue_refund args differ: amount expected 40, got 400',
      'no grovelling: output contains &quot;sorry&quot; 3 times',
    ]);
    const errors = elements.filter((e) => e.name === 'error');
    expect(errors.map((e) => e.attrs.type)).toEqual(['AGENT_THREW', 'unmatched-tool-call']);
    expect(xml).toContain('<system-out>verdict: regressed\npassed 1/3 on head, 3/3 on base (p = 0.05)</system-out>');
    expect(xml).toContain('<testcase name="greeting: Case greeting" classname="tone" file="suites/tone/greeting.case.json" time="0.012">');
  });

  test('escapes markup, quotes and characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('nul\u0000 bell\u0007 esc\u001b ffff\uFFFF lone\uD800 ok\t\n🎉')).toBe('nul\uFFFD bell\uFFFD esc\uFFFD ffff\uFFFD lone\uFFFD ok\t\n🎉');
    const hostile = 'x"/><injected attr="1"> ]]> \u0000\u001b[31m & <!-- c -->';
    const head = caseResult({
      suite: `suite ${hostile}`,
      id: 'h',
      title: hostile,
      status: 'failed',
      attempts: [attempt('failed', [failedAssertion(hostile, hostile, hostile, { v: hostile })], [])],
    });
    const xml = renderJunit(comparisonOf([compared(head, 'regressed', hostile)]).head);
    const elements = assertWellFormed(xml);
    expect(elements.map((e) => e.name)).toEqual(['testsuites', 'testsuite', 'testcase', 'failure']);
  });

  test('the reporter writes outputFile under the run cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-junit-'));
    const comparison = realisticComparison();
    const reporter = createJunitReporter({ outputFile: 'reports/junit.xml' });
    await reporter.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await reporter.onRunEnd?.({ results: comparison.head, comparison });
    expect(readFileSync(join(dir, 'reports/junit.xml'), 'utf8')).toBe(renderJunit(comparison.head, comparison));
  });
});
