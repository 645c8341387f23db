/**
 * The built-in redaction rules: what a secret or a piece of personal data looks like in text.
 *
 * Every rule is a global regex whose whole match is the secret (context that must precede it is a
 * lookbehind, so `Bearer ` stays and only the token goes), plus an optional `accept` check for what a regex
 * cannot say (Luhn, digit counts, "looks random"). False positives matter as much as misses: a redacted
 * order id or date makes a case unreadable and breaks replay matching, so each rule is anchored on a
 * prefix or a shape and `redaction-corpus.ts` holds near-misses that must survive.
 */

/** A rule that finds secrets inside strings. */
export interface PatternRule {
  /** Recorded in `RedactionRecord.rule`: `email`, `openai-key`, `user:account-id`. */
  name: string;
  /** Placeholder stem: `EMAIL` gives `<<EMAIL_1>>`. */
  label: string;
  /** Global regex; the whole match is replaced. */
  pattern: RegExp;
  /**
   * A cheap test (substring checks) that must pass before the regex runs. Lookbehind regexes cost tens of
   * microseconds on long strings; most strings hold no secret, so skipping them is most of the speed.
   */
  hint?: (text: string) => boolean;
  /** Rejects a match the regex cannot rule out. */
  accept?: (match: string) => boolean;
  /**
   * True when the rule needs context (a header name, a key name) to recognise the secret, so the same
   * value elsewhere would not match on its own: the redactor then sweeps other strings for it literally.
   */
  contextual?: boolean;
}

/** Base62-ish random material has all three character classes; prose and slugs rarely do. */
function looksRandom(text: string): boolean {
  return /[A-Z]/.test(text) && /[a-z]/.test(text) && /\d/.test(text);
}

/** The Luhn checksum every payment card number satisfies (and 90% of random digit runs fail). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Card numbers: 13-19 digits, issuer prefixes 2-6 (Mastercard, Visa, Amex, Discover, JCB, UnionPay), Luhn. */
function acceptCard(match: string): boolean {
  const digits = match.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first > 6) return false;
  // A separated number uses one kind of separator, in groups of 4 (Amex: 4-6-5); anything else is an id.
  if (/[ -]/.test(match) && !/^\d{4}([ -])(?:\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{6}\1\d{4,5})$/.test(match)) return false;
  return passesLuhn(digits);
}

const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'pdf']);

function acceptEmail(match: string): boolean {
  const tld = match.slice(match.lastIndexOf('.') + 1).toLowerCase();
  // `icon@2x.png` is an asset name, not an address.
  return !FILE_EXTENSIONS.has(tld) && !match.startsWith('.') && !match.includes('..');
}

/** Opaque credentials after `Bearer`/`Basic`/`Authorization:`: digits or base64 padding, or long. Not "Bearer bonds". */
function acceptCredential(match: string): boolean {
  return /[0-9=]/.test(match) || match.length >= 20;
}

/*
 * Order matters: a rule sees the text after earlier rules replaced their matches, so specific shapes
 * (private key blocks, JWTs, prefixed tokens) go before broad ones (auth headers, emails, digit runs).
 */
export const BUILT_IN_RULES: readonly PatternRule[] = [
  {
    name: 'private-key',
    label: 'PRIVATE_KEY',
    hint: (t) => t.includes('PRIVATE KEY'),
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g,
  },
  {
    name: 'jwt',
    label: 'JWT',
    hint: (t) => t.includes('eyJ'),
    pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  },
  {
    name: 'slack-webhook',
    label: 'SLACK_WEBHOOK',
    hint: (t) => t.includes('hooks.slack.com'),
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{10,}/g,
  },
  {
    name: 'anthropic-key',
    label: 'ANTHROPIC_KEY',
    hint: (t) => t.includes('sk-ant-'),
    pattern: /(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}/g,
  },
  {
    name: 'openai-key',
    label: 'OPENAI_KEY',
    hint: (t) => t.includes('sk-'),
    pattern: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    accept: (m) => !m.startsWith('sk-ant-') && looksRandom(m.slice(3)),
  },
  {
    name: 'github-token',
    label: 'GITHUB_TOKEN',
    hint: (t) => /gh[pousr]_|github_pat_/.test(t),
    pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![\w-])/g,
  },
  {
    name: 'stripe-key',
    label: 'STRIPE_KEY',
    hint: (t) => t.includes('_live_') || t.includes('_test_'),
    pattern: /(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?![\w-])/g,
  },
  {
    name: 'google-api-key',
    label: 'GOOGLE_API_KEY',
    hint: (t) => t.includes('AIza'),
    pattern: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g,
  },
  {
    name: 'aws-access-key-id',
    label: 'AWS_ACCESS_KEY_ID',
    hint: (t) => /A(?:KI|SI|BI|CC)A/.test(t),
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    name: 'aws-secret-key',
    label: 'AWS_SECRET_KEY',
    hint: (t) => /access_?key/i.test(t),
    pattern: /(?<=(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi,
    contextual: true,
  },
  {
    name: 'slack-token',
    label: 'SLACK_TOKEN',
    hint: (t) => t.includes('xox') || t.includes('xapp-'),
    pattern: /(?<![\w-])(?:xox[abprs]|xapp)-[A-Za-z0-9-]{10,}/g,
  },
  {
    name: 'url-credentials',
    label: 'PASSWORD',
    hint: (t) => t.includes('://') && t.includes('@'),
    pattern: /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]{3,}(?=@)/gi,
    contextual: true,
  },
  {
    name: 'url-secret-param',
    label: 'SECRET_PARAM',
    hint: (t) => t.includes('=') && (t.includes('?') || t.includes('&')),
    pattern: /(?<=[?&](?:api[_-]?key|access[_-]?token|token|secret|password|client[_-]?secret|signature)=)[^&\s#"'<>]{6,}/gi,
    contextual: true,
  },
  {
    name: 'auth-header',
    label: 'AUTH_CREDENTIAL',
    hint: (t) => /bearer|basic|authorization/i.test(t),
    pattern: /(?<=\bauthorization["']?\s*[:=]\s*["']?(?:[A-Za-z]+\s+)?|\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
    accept: acceptCredential,
    contextual: true,
  },
  {
    name: 'email',
    label: 'EMAIL',
    hint: (t) => t.includes('@'),
    pattern: /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])/g,
    accept: acceptEmail,
  },
  {
    name: 'card-number',
    label: 'CARD_NUMBER',
    hint: (t) => /\d{4}/.test(t),
    pattern: /(?<![\w.+-])\d(?:[ -]?\d){12,18}(?![\w.]|-\d)/g,
    accept: acceptCard,
  },
  {
    // E.164 and international notation: +CC then groups, 8-15 digits in all.
    name: 'phone',
    label: 'PHONE',
    hint: (t) => t.includes('+'),
    pattern: /(?<![\w+.-])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w]|[.-]\d)/g,
    accept: (m) => {
      const n = digitCount(m);
      return n >= 8 && n <= 15;
    },
  },
  {
    // North American: (415) 555-0132, 415-555-0132, 415.555.0132, 415 555 0132.
    name: 'phone',
    label: 'PHONE',
    hint: (t) => /\d{3}[-. )]/.test(t),
    pattern: /(?<![\w.+-])(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w]|[.-]\d)/g,
  },
  {
    // National trunk-prefix formats with separators: 020 7946 0958, 07700 900123, 06 12 34 56 78.
    name: 'phone',
    label: 'PHONE',
    hint: (t) => /(?:^|\D)0\d/.test(t),
    pattern: /(?<![\w.+-])0\d{1,4}(?:[ .-]\d{2,6}){1,4}(?![\w]|[.-]\d)/g,
    accept: (m) => {
      const n = digitCount(m);
      return n >= 10 && n <= 11;
    },
  },
];

/*
 * Keys whose value is a credential whatever it looks like. Keys are compared lower-cased without `-`, `_`,
 * `.` and spaces, so `apiKey`, `api_key`, `X-API-Key` are one. Exact names, plus suffixes for compound keys
 * (`refresh_token`, `client_secret`, `db_password`); `tokens` (plural: usage counts) is deliberately not one.
 */
const SECRET_KEY_NAMES = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'xapikey', 'authorization',
  'proxyauthorization', 'cookie', 'setcookie', 'privatekey', 'secretkey', 'accesskey', 'sessionid',
  'sessiontoken', 'cvv', 'cvc',
]);
const SECRET_KEY_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'secretkey', 'accesskey'];

/** Normalizes a key for comparison: `X-API-Key` → `xapikey`. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_. ]/g, '');
}

/** True when values under this key are credentials by name (`password`, `apiKey`, `authorization`, …). */
export function isSecretKeyName(normalizedKey: string): boolean {
  if (SECRET_KEY_NAMES.has(normalizedKey)) return true;
  for (const suffix of SECRET_KEY_SUFFIXES) if (normalizedKey.endsWith(suffix)) return true;
  return false;
}

/** `apiKey` → `API_KEY`, `x-session` → `X_SESSION`: a placeholder stem from a key or rule name. */
export function labelFrom(name: string): string {
  const label = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return label === '' ? 'REDACTED' : label;
}
