/**
 * Escaping for untrusted text (agent outputs, tool results, case titles, error messages) on its way into
 * Markdown that GitHub renders, into Mermaid diagrams, and onto a terminal. Pure functions, no I/O.
 *
 * The threat model is a PR comment posted by a bot: content must not render as markup, ping people or teams,
 * link issues, hide itself behind bidi tricks, break out of a code block, or forge the comment's hidden marker.
 */

/** The hidden first line of the PR comment; the Action finds its previous comment by it. */
export const REPORT_MARKER = '<!-- rehearse:report -->';

/*
 * An empty HTML comment splits a run of text into two text nodes, which stops GitHub from autolinking
 * `@user`, `#123`, `GH-123` and URLs, and renders as nothing (the pattern bots like Dependabot use).
 */
const BREAK = '<!-- -->';

/** Bidirectional overrides and isolates: they can make text read differently from what it is. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
/** C0 and C1 control characters, except tab and newline (carriage returns are folded into newlines). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

const UNSAFE = /[\r\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Makes bidi controls visible (`<U+202E>`) and drops other control characters. */
export function stripUnsafeChars(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text
    .replace(/\r\n?/g, '\n')
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(CONTROL, '');
}

/*
 * One pass over the text, so an escape we insert (`&#124;`, `<!-- -->`) is never escaped or matched again.
 * Alternatives, in order: mention, issue ref, GH-ref, URL scheme, www., single characters. Case is spelled out
 * rather than using the `i` and `u` flags, which make this regex about 7x slower (it runs on every value).
 * GitHub user and team names are ASCII, so `@` before a word character or hyphen is all a mention needs.
 */
const INLINE = /@(?=[\w-])|#(?=\d)|\b([Gg][Hh])-(?=\d)|\b([Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp]|[Mm][Aa][Ii][Ll][Tt][Oo]):|\b([Ww]{3})\.|[&<>|*_`[\]\\~$\n]/g;

const CHAR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '*': '\\*',
  _: '\\_',
  '`': '\\`',
  '[': '\\[',
  ']': '\\]',
  '\\': '\\\\',
  '~': '\\~',
  $: '\\$',
  '\n': '<br>',
};

/**
 * Escapes untrusted text for inline Markdown: prose, list items, and table cells alike. Newlines become
 * `<br>` (a cell cannot hold a newline, and in prose one could start a heading or a list), Markdown and HTML
 * metacharacters are escaped, and mentions, issue references and bare URLs are made inert.
 *
 * @example escapeInline('@octocat fixed #12 | see <b>') // '@<!-- -->octocat fixed #<!-- -->12 &#124; see &lt;b&gt;'
 */
export function escapeInline(text: string): string {
  const escaped = stripUnsafeChars(text).replace(INLINE, (match: string, gh?: string, scheme?: string, www?: string) => {
    if (match === '@') return `@${BREAK}`;
    if (match === '#') return `#${BREAK}`;
    if (gh !== undefined) return `${gh}-${BREAK}`;
    if (scheme !== undefined) return `${scheme}:${BREAK}`;
    if (www !== undefined) return `${www}${BREAK}.`;
    return CHAR_ESCAPES[match] ?? match;
  });
  // Escape characters that only mean something at the start of a line (our own markup always precedes
  // a value, but a value may be laid out first by a user template).
  return escaped.replace(/^([#+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/*
 * Inside an HTML block (`<details><summary>…`) GitHub does not read Markdown, so backslash escapes would
 * show; only HTML entities and the autolink breaks apply there.
 */
const HTML_TEXT = /@(?=[\w-])|#(?=\d)|\b([Gg][Hh])-(?=\d)|\b([Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp]|[Mm][Aa][Ii][Ll][Tt][Oo]):|\b([Ww]{3})\.|[&<>"'\n]/g;
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\n': ' ' };

/** Escapes untrusted text for HTML context (a `<summary>`, an attribute): entities, inert mentions and links, no newlines. */
export function escapeHtml(text: string): string {
  return stripUnsafeChars(text).replace(HTML_TEXT, (match: string, gh?: string, scheme?: string, www?: string) => {
    if (match === '@') return `@${BREAK}`;
    if (match === '#') return `#${BREAK}`;
    if (gh !== undefined) return `${gh}-${BREAK}`;
    if (scheme !== undefined) return `${scheme}:${BREAK}`;
    if (www !== undefined) return `${www}${BREAK}.`;
    return HTML_ESCAPES[match] ?? match;
  });
}

/** Untrusted text inside `<code>`: escaped like prose, shown in a monospace font, safe in a table cell. */
export function inlineCode(text: string): string {
  return `<code>${escapeInline(text)}</code>`;
}

/** Makes `<!--` inert inside text that is shown verbatim (code blocks), so content cannot forge a marker. */
export function neutralizeComments(text: string): string {
  return text.replace(/<!--/g, '<!\u200B--');
}

/**
 * A fenced code block whose fence is longer than any run of backticks in the content, so the content cannot
 * close it early. It starts with a newline, so it is a block even when a template puts it after text.
 */
export function codeFence(content: string, language = ''): string {
  const body = neutralizeComments(stripUnsafeChars(content));
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lang = language.replace(/[^\w+-]/g, '');
  return `\n${fence}${lang}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

/**
 * A Mermaid node label: quoted by the caller as `["…"]`, so it must not contain quotes, brackets, or the
 * punctuation Mermaid reads as syntax. Letters, digits, spaces and `_ . : / -` survive; anything else
 * becomes a space. Never empty.
 */
export function mermaidLabel(text: string, maxLength = 40): string {
  const cleaned = stripUnsafeChars(text)
    .replace(/[^\p{L}\p{N} _.:/-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = truncate(cleaned, maxLength, '…');
  return cut.length > 0 ? cut : '?';
}

/**
 * Shortens text to at most `max` characters (UTF-16 units, the note included), never splitting a surrogate
 * pair, and says how much was cut unless a custom suffix is given.
 */
export function truncate(text: string, max: number, suffix?: string): string {
  if (text.length <= max) return text;
  const note = (cut: number): string => suffix ?? `… (${cut} more characters)`;
  // Reserve room for the longest note this cut could need, so the result never exceeds `max`.
  let end = Math.max(0, max - note(text.length).length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + note(text.length - end);
}

/** ANSI escape sequences (CSI, OSC, and single-character escapes). */
const ANSI = /\u001B(?:\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])|\u009B[0-?]*[ -/]*[@-~]/g;

/**
 * Untrusted text for a terminal: escape sequences (which could move the cursor, retitle the window or
 * forge colours) are removed, and so are other control characters; bidi controls are made visible.
 */
export function sanitizeForTerminal(text: string): string {
  return stripUnsafeChars(text.replace(ANSI, ''));
}

/** A JSON value as compact single-line text, for evidence in a cell or on a terminal line. */
export function compactJson(value: unknown, max = 200): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return truncate(text.replace(/\s*\n\s*/g, ' '), max);
}
