import { describe, expect, test } from 'vitest';
import { codeFence, compactJson, escapeHtml, escapeInline, inlineCode, mermaidLabel, REPORT_MARKER, sanitizeForTerminal, stripUnsafeChars, truncate } from './escape.js';

describe('escapeInline', () => {
  test('escapes Markdown and HTML metacharacters', () => {
    expect(escapeInline('a|b <img src=x onerror=alert(1)> & *bold* _it_ `code` [l](u) \\ ~s~ $x$')).toBe(
      'a&#124;b &lt;img src=x onerror=alert(1)&gt; &amp; \\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\\\ \\~s\\~ \\$x\\$',
    );
  });

  test('turns newlines (and CRLF) into <br> so a cell stays one row and prose cannot start a block', () => {
    expect(escapeInline('line one\r\n# heading\n| x |')).toBe('line one<br># heading<br>&#124; x &#124;');
  });

  test('neutralises mentions, team mentions and emails', () => {
    expect(escapeInline('@octocat and @org/team, mail me@example.com')).toBe('@<!-- -->octocat and @<!-- -->org/team, mail me@<!-- -->example.com');
    expect(escapeInline('a lone @ stays')).toBe('a lone @ stays');
  });

  test('neutralises issue references, GH- references and bare URLs', () => {
    expect(escapeInline('see #1 fixes o/r#22 and GH-7, see https://evil.example/x and www.evil.example')).toBe(
      'see #<!-- -->1 fixes o/r#<!-- -->22 and GH-<!-- -->7, see https:<!-- -->//evil.example/x and www<!-- -->.evil.example',
    );
  });

  test('the marker inside content is escaped, never a comment', () => {
    const out = escapeInline(`title ${REPORT_MARKER}`);
    expect(out).not.toContain('<!-- rehearse');
    expect(out).toContain('&lt;!-- rehearse:report --&gt;');
  });

  test('a leading heading, list or ordered-list marker is escaped', () => {
    expect(escapeInline('# big')).toBe('\\# big');
    expect(escapeInline('- item')).toBe('\\- item');
    expect(escapeInline('1. first')).toBe('1\\. first');
  });

  test('our own escapes are not escaped again (single pass)', () => {
    // `&#124;` contains `#1`; a second pass would break it into `&#<!-- -->124;`.
    expect(escapeInline('|')).toBe('&#124;');
    expect(escapeInline('&#124;')).toBe('&amp;#<!-- -->124;');
  });

  test('makes bidi overrides visible and drops control characters', () => {
    expect(escapeInline('abc\u202Eevil\u2066x\u0000\u0007\u001b')).toBe('abc&lt;U+202E&gt;evil&lt;U+2066&gt;x');
    expect(stripUnsafeChars('abc\u202Eevil\u2066x\u0000')).toBe('abc<U+202E>evil<U+2066>x');
  });

  test('keeps unicode text intact', () => {
    expect(escapeInline('日本語 émoji 🎉 ✓')).toBe('日本語 émoji 🎉 ✓');
  });
});

describe('escapeHtml', () => {
  test('uses entities only (no backslashes inside HTML blocks) and breaks autolinks', () => {
    expect(escapeHtml(`<b>"x"</b> & 'y' @team #3\nnext`)).toBe('&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; &#39;y&#39; @<!-- -->team #<!-- -->3 next');
    expect(escapeHtml('snake_case *x*')).toBe('snake_case *x*');
  });
});

describe('inlineCode', () => {
  test('wraps escaped text in <code>, safe in a table cell', () => {
    expect(inlineCode('a|b`c')).toBe('<code>a&#124;b\\`c</code>');
  });
});

describe('codeFence', () => {
  test('uses a fence longer than any backtick run in the content', () => {
    const content = 'before\n````\nnot the end\n```\nafter';
    const fenced = codeFence(content, 'json');
    expect(fenced.startsWith('\n`````json\n')).toBe(true);
    expect(fenced.endsWith('\n`````')).toBe(true);
    // No line inside is a fence as long as ours.
    const inner = fenced.split('\n').slice(2, -1);
    expect(inner.some((line) => /^`{5,}/.test(line))).toBe(false);
  });

  test('uses three backticks when the content has none', () => {
    expect(codeFence('x')).toBe('\n```\nx\n```');
  });

  test('makes HTML comments inert so content cannot forge the marker', () => {
    const fenced = codeFence(`${REPORT_MARKER}\n<!-- other -->`);
    expect(fenced).not.toContain('<!--');
    expect(fenced).toContain('<!\u200B-- rehearse:report -->');
  });

  test('strips characters from the language tag', () => {
    expect(codeFence('x', 'js\n<b>')).toBe('\n```jsb\nx\n```');
  });
});

describe('mermaidLabel', () => {
  test('removes quotes, brackets and Mermaid punctuation', () => {
    expect(mermaidLabel('a"b]c;d#e<f>{g}|h`i')).toBe('a b c d e f g h i');
    expect(mermaidLabel('orders.search/v2:get-all_x')).toBe('orders.search/v2:get-all_x');
  });

  test('never empty, and cut to length', () => {
    expect(mermaidLabel('"";;')).toBe('?');
    expect(mermaidLabel('x'.repeat(100), 10)).toHaveLength(10);
  });

  test('keeps letters of other scripts', () => {
    expect(mermaidLabel('поиск заказа')).toBe('поиск заказа');
  });
});

describe('truncate', () => {
  test('leaves short text alone and says how much it cut', () => {
    expect(truncate('short', 10)).toBe('short');
    const cut = truncate('x'.repeat(1_000_000), 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/… \(\d+ more characters\)$/);
    expect(Number(/\((\d+) more/.exec(cut)?.[1]) + cut.indexOf('…')).toBe(1_000_000);
  });

  test('never splits a surrogate pair', () => {
    const text = '🎉'.repeat(50);
    for (let max = 1; max < 40; max++) {
      const cut = truncate(text, max, '…');
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
    }
  });
});

describe('terminal and JSON helpers', () => {
  test('sanitizeForTerminal removes escape sequences and control characters', () => {
    expect(sanitizeForTerminal('a\u001b[31mred\u001b[0m\u001b]0;title\u0007b\u0008c')).toBe('aredbc');
  });

  test('stripUnsafeChars keeps tabs and newlines', () => {
    expect(stripUnsafeChars('a\tb\nc\r\nd\re')).toBe('a\tb\nc\nd\ne');
  });

  test('compactJson is one line and cut', () => {
    expect(compactJson({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(compactJson('multi\n  line')).toBe('multi line');
    expect(compactJson({ big: 'x'.repeat(500) }, 50).length).toBeLessThanOrEqual(50);
  });
});
