import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseResult, attempt, compared, comparisonOf, failedAssertion, largeComparison, modelCallComparison, passedAssertion, realisticComparison, toolEvent } from './comparison-fixture.js';
import { createMarkdownReporter, REPORT_MARKER, renderComment } from './markdown.js';
import { createSummaryReporter, renderSummary } from './summary.js';
import type { Comparison } from '../model/index.js';

const links = { repoUrl: 'https://github.com/acme/agent', sha: '0123456789abcdef0123456789abcdef01234567' };

function hostileComparison(): Comparison {
  const hostile = [
    `${REPORT_MARKER} pwned`,
    '```\n</details>\n# Injected heading\n```',
    '<img src=x onerror=alert(1)><script>alert(2)</script>',
    '@acme/security-team please look, cc @octocat',
    'closes #1 and GH-12, see https://evil.example/login',
    'RTL \u202Etxt.exe\u202C and zero\u0000bytes',
    '| broken | table |\n| --- |',
    'unicode ✓ 日本語 🎉',
  ];
  const cases = hostile.map((text, i) => {
    const head = caseResult({
      suite: 'hostile',
      id: `h${i}`,
      title: text,
      status: 'failed',
      recorded: [{ tool: text, args: { q: text } }],
      attempts: [
        attempt(
          'failed',
          [failedAssertion(text, 'contains', text, { output: text, fence: '````', big: 'x'.repeat(1_000_000) })],
          [toolEvent(`${text}"]; click r0 call evil()`, { q: text })],
          { output: 'y'.repeat(1_000_000), error: { code: 'AGENT_THREW', message: text } },
        ),
      ],
    });
    return compared(head, i % 2 === 0 ? 'regressed' : 'still-failing', text);
  });
  return comparisonOf(cases);
}

describe('renderComment', () => {
  test('lays out a realistic comparison (snapshot)', async () => {
    const body = await renderComment(realisticComparison(), links);
    expect(body).toMatchSnapshot();
  });

  test('starts with the marker, then the headline with counts per class', async () => {
    const body = await renderComment(realisticComparison(), links);
    const [first, headline] = body.split('\n');
    expect(first).toBe(REPORT_MARKER);
    expect(headline).toBe('### ❌ rehearse: 2 broke again, 1 errored, 1 fixed, 1 still failing, 1 passing');
    // Regressions table before fixes table, and both before the details.
    expect(body.indexOf('#### Regressions')).toBeLessThan(body.indexOf('#### Fixes'));
    expect(body.indexOf('#### Fixes')).toBeLessThan(body.indexOf('#### Details'));
    expect(body).toContain('| [Partial refund for a late delivery](https://github.com/acme/agent/blob/0123456789abcdef0123456789abcdef01234567/suites/refunds/partial-refund.case.json) | refunds | Regressed | 1/3 (base 3/3) | step 3: issue\\_refund with different arguments |');
    expect(body).toContain('```mermaid\nflowchart LR');
    expect(body).toContain('- /amount: 40\n+ /amount: 400\n+ /note: "goodwill"');
    expect(body).toContain('npx rehearse run suites/refunds/partial-refund.case.json');
    expect(body).toContain('15,456 tokens · \\$0.0421');
  });

  test('no links without repoUrl and sha', async () => {
    const body = await renderComment(realisticComparison());
    expect(body).not.toContain('](http');
    expect(body).toContain('| Partial refund for a late delivery | refunds |');
  });

  test('a custom marker id replaces the default, and markup in it is refused', async () => {
    const body = await renderComment(realisticComparison(), { marker: 'rehearse:report:shard-2' });
    expect(body.startsWith('<!-- rehearse:report:shard-2 -->\n')).toBe(true);
    await expect(renderComment(realisticComparison(), { marker: 'x --> <img>' })).rejects.toThrow(/marker .* is not valid/);
    expect(() => createMarkdownReporter({ marker: '--><b>' })).toThrow(/not valid/);
  });

  test('hostile content cannot inject markup, mentions, refs, links or a second marker', async () => {
    const body = await renderComment(hostileComparison(), links);
    expect(body.indexOf(REPORT_MARKER)).toBe(0);
    expect(body.lastIndexOf(REPORT_MARKER)).toBe(0);
    expect(body).not.toMatch(/<img|<script/i);
    expect(body).not.toMatch(/@acme\/security-team|@octocat/);
    // Outside code blocks and diagrams (which GitHub neither links nor mentions in), refs and URLs are inert.
    const prose = body.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
    expect(prose).toContain('#<!-- -->1 and GH-<!-- -->12, see https:<!-- -->//evil');
    expect(prose).not.toMatch(/#1\b|GH-12|https:\/\/evil/);
    expect(body).not.toMatch(/^# Injected heading/m);
    expect(body).not.toContain('\u202E');
    expect(body).not.toContain('\u0000');
    expect(body).toContain('unicode ✓ 日本語 🎉');
    // Table rows keep their five cells: no raw pipe from content.
    for (const line of body.split('\n').filter((l) => l.startsWith('| ') && l.includes('hostile'))) {
      expect(line.split('|').length - 2).toBe(5);
    }
    // Every fence opened is closed: count fence lines by length.
    const fences = body.split('\n').filter((l) => /^`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
    // Mermaid labels carry no quote or bracket from content.
    for (const block of body.match(/```mermaid\n[\s\S]*?\n```/g) ?? []) {
      for (const label of block.match(/\["[^"\n]*"\]/g) ?? []) expect(label).not.toMatch(/[;<>{}|`]/);
      expect(block).not.toMatch(/^\s*click /m);
    }
    // 1 MB values are cut per value.
    expect(body.length).toBeLessThan(60_000);
  });

  test('1,000 cases with 200 regressions stays under the limit and keeps the headline and regression rows', async () => {
    const started = performance.now();
    const body = await renderComment(largeComparison(1000, 200), links);
    const elapsed = performance.now() - started;
    expect(body.length).toBeLessThanOrEqual(60_000);
    expect(body.split('\n')[1]).toBe('### ❌ rehearse: 200 broke again, 800 passing');
    const rows = body.split('\n').filter((l) => l.startsWith('| [Regression number'));
    const more = /_…and (\d+) more regressions/.exec(body);
    expect(rows.length + Number(more?.[1] ?? 0)).toBe(200);
    expect(body).toMatch(/Details for \d+ cases omitted/);
    expect(elapsed).toBeLessThan(2000);
  });

  test('a regressions table too big on its own is cut with "and N more regressions"', async () => {
    const body = await renderComment(largeComparison(3000, 3000), { ...links, budget: 20_000 });
    expect(body.length).toBeLessThanOrEqual(20_000);
    const rows = body.split('\n').filter((l) => l.startsWith('| [Regression number'));
    expect(rows.length).toBeGreaterThan(10);
    expect(body).toContain(`_…and ${3000 - rows.length} more regressions`);
    expect(body).toContain('Details for 3000 cases omitted');
  });

  test('details are dropped from the least important class first', async () => {
    const regressed = compared(caseResult({ suite: 's', id: 'reg', status: 'failed', attempts: [attempt('failed', [failedAssertion('a', 'contains', 'r'.repeat(500))], [])] }), 'regressed', 'broke');
    const still = Array.from({ length: 30 }, (_, i) =>
      compared(caseResult({ suite: 's', id: `still-${i}`, status: 'failed', attempts: [attempt('failed', [failedAssertion('a', 'contains', 's'.repeat(500))], [])] }), 'still-failing', 'still'),
    );
    const body = await renderComment(comparisonOf([regressed, ...still]), { budget: 8_000 });
    expect(body.length).toBeLessThanOrEqual(8_000);
    expect(body).toContain('(<code>s/reg</code>)');
    expect(body).toMatch(/Details for \d+ cases omitted/);
    expect(body).not.toContain('(<code>s/still-29</code>)');
  });

  test('model calls: drift is flagged per case and in the footer, with tokens, cost and cache savings (snapshot)', async () => {
    const body = await renderComment(modelCallComparison(), links);
    expect(body).toMatchSnapshot();
    // A warning near the top says what drift means.
    expect(body).toContain('> [!WARNING]\n> 2 cases were answered with drift: a model call\'s prompt changed but it was answered with the recorded answer');
    // The fix is marked in its table row, and the mark's footnote is defined.
    expect(body).toMatch(/New prompt stops the double refund\]\([^)]+\) \| refunds \| Fixed ⚠️ drift\[\^drift\] \| 1\/1 \(base 0\/1\) \|/);
    expect(body).toMatch(/^\[\^drift\]: Answered with drift: /m);
    // A regression without drift carries no mark.
    expect(body).toMatch(/Ranks in-stock items first\]\([^)]+\) \| search \| Regressed \|/);
    // The drifted pass gets a details block (a clean pass does not), its repeated drift listed once.
    expect(body).toContain('<summary><b>Passing</b> ⚠️ <b>answered with drift</b>: Stays polite (<code>tone/polite</code>)</summary>');
    expect(body).not.toContain('<code>tone/greeting</code>');
    const polite = body.slice(body.indexOf('<code>tone/polite</code>'));
    expect(polite.slice(0, polite.indexOf('</details>')).match(/^- step 0: /gm)).toHaveLength(1);
    expect(body).toContain('so this fix replays the old answer and does not test the new prompt');
    expect(body).toContain('- step 2: model call #<!-- -->2 was answered with the recorded answer of step 2, but its request changed (tools differ)');
    // Per case: tokens, cost and cache; in the footer: totals, cache savings and the drift count.
    expect(body).toContain('**Model calls:** 1,500 tokens · \\$0.0031 · cache 3 hits, 1 miss, saved \\$0.0093');
    expect(body).toContain('**Model calls:** 120 tokens');
    expect(body).toContain('4 cases: 3 passed, 1 failed, 0 diverged, 0 errored · 4.32 s · 1,740 tokens · \\$0.0031 · cache saved \\$0.0093 · ⚠️ 2 cases answered with drift ·');
  });

  test('a run without drift or cache savings shows neither', async () => {
    const body = await renderComment(realisticComparison(), links);
    expect(body).not.toMatch(/drift|cache saved|\[!WARNING\]/);
  });

  test('drift text is untrusted: escaped like other case text', async () => {
    const evil = '@octocat see #1 <img src=x onerror=alert(1)> | cell | `x` ```\n</details>\n# Injected';
    const head = caseResult({
      suite: 's',
      id: 'drifted',
      status: 'passed',
      attempts: [attempt('passed', [passedAssertion('ok')], [], { drift: [{ step: 1, message: evil }] })],
    });
    const body = await renderComment(comparisonOf([compared(head, 'fixed', 'passes')]), links);
    expect(body).not.toMatch(/<img|@octocat|#1\b/);
    expect(body).not.toMatch(/^# Injected/m);
    expect(body.match(/<\/details>/g)).toHaveLength(2); // the case's block and the footer's "Reproduce locally"
    for (const line of body.split('\n').filter((l) => l.startsWith('| ') && l.includes('drift'))) expect(line.split('|').length - 2).toBe(5);
  });

  test('a user template with its own partial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-tpl-'));
    writeFileSync(join(dir, 'mine.md.hbs'), '{{{marker}}}\nHeadline: {{headline}}\n{{#each regressions}}{{> row}}{{/each}}');
    writeFileSync(join(dir, 'row.hbs'), '* {{md title}} ({{passRate}})\n');
    const body = await renderComment(realisticComparison(), { template: join(dir, 'mine.md.hbs') });
    expect(body).toBe(`${REPORT_MARKER}\nHeadline: 2 broke again, 1 errored, 1 fixed, 1 still failing, 1 passing\n* Partial refund for a late delivery (1/3)\n* Search survives a typo (0/1)\n* Empty query asks for clarification (—)\n`);
    writeFileSync(join(dir, 'broken.md.hbs'), '{{#each regressions}}');
    await expect(renderComment(realisticComparison(), { template: join(dir, 'broken.md.hbs') })).rejects.toThrow(/broken\.md\.hbs: the report template does not compile/);
    const other = mkdtempSync(join(tmpdir(), 'rehearse-tpl-'));
    writeFileSync(join(other, 'uses.md.hbs'), 'x {{> bad-partial}}');
    writeFileSync(join(other, 'bad-partial.hbs'), '{{#if x}}');
    await expect(renderComment(realisticComparison(), { template: join(other, 'uses.md.hbs') })).rejects.toThrow(/bad-partial\.hbs: the partial does not compile/);
  });

  test('the markdown reporter writes the body to outputFile under the run cwd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-md-'));
    const comparison = realisticComparison();
    const reporter = createMarkdownReporter({ outputFile: 'out/comment.md' });
    await reporter.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await reporter.onRunEnd?.({ results: comparison.head, comparison });
    expect(readFileSync(join(dir, 'out/comment.md'), 'utf8')).toBe(await renderComment(comparison));
  });
});

describe('summary', () => {
  test('same content without the marker', async () => {
    const comparison = realisticComparison();
    const summary = await renderSummary(comparison, links);
    const comment = await renderComment(comparison, links);
    expect(summary).not.toContain(REPORT_MARKER);
    expect(summary.trim()).toBe(comment.slice(REPORT_MARKER.length).trim());
  });

  test('flags drift and shows cache savings like the comment', async () => {
    const summary = await renderSummary(modelCallComparison(), links);
    expect(summary).toContain('> 2 cases were answered with drift:');
    expect(summary).toContain('| Fixed ⚠️ drift[^drift] |');
    expect(summary).toContain('cache saved \\$0.0093 · ⚠️ 2 cases answered with drift');
  });

  test('appends to the path option (as GitHub concatenates step summaries)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-sum-'));
    const path = join(dir, 'summary.md');
    writeFileSync(path, 'previous step\n');
    const comparison = realisticComparison();
    const reporter = createSummaryReporter({ path });
    await reporter.onRunEnd?.({ results: comparison.head, comparison });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('previous step\n### ❌ rehearse:')).toBe(true);
  });
});
