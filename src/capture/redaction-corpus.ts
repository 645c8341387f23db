/**
 * The redaction corpus: realistic secrets that must never survive redaction, and near-misses that must.
 *
 * Secrets are assembled at run time from a seeded generator and split prefixes, so this repository never
 * contains a string that secret scanners (GitHub push protection, gitleaks) would flag, while the values the
 * tests see have the real shapes: prefixes, lengths, alphabets, checksums.
 */

/** A secret in the context it would appear in, and the rule expected to catch it. */
export interface SecretSample {
  name: string;
  /** The rule that should claim it (`RedactionRecord.rule`). */
  rule: string;
  /** The exact secret: its text must not appear anywhere in the redacted output. */
  secret: string;
  /** Where it sits: a string containing it, or a JSON value holding it. */
  context: unknown;
}

/** Text that looks a little like a secret and must come out unchanged. */
export interface NearMiss {
  name: string;
  text: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;

/** Deterministic generator (mulberry32), so failures reproduce. */
function generator(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    let out = '';
    // Start with one of each class, so "looks random" holds for short draws too.
    if (alphabet === ALNUM && length >= 3) {
      out = UPPER[Math.floor(next() * 26)]! + LOWER[Math.floor(next() * 26)]! + DIGITS[Math.floor(next() * 10)]!;
    }
    while (out.length < length) out += alphabet[Math.floor(next() * alphabet.length)]!;
    return out;
  };
}

/** Completes `prefix` + random digits with a Luhn check digit. */
function luhnNumber(prefix: string, length: number, draw: (a: string, n: number) => string): string {
  const body = prefix + draw(DIGITS, length - prefix.length - 1);
  for (let check = 0; check <= 9; check++) {
    const candidate = body + check;
    if (luhnOk(candidate)) return candidate;
  }
  throw new Error('unreachable: one check digit always satisfies Luhn');
}

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function groups(digits: string, sizes: number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(sep);
}

/** Builds the secret samples (at least 40). */
export function secretSamples(): SecretSample[] {
  const r = generator(20240611);
  const s = (parts: string[]): string => parts.join('');
  const b64 = ALNUM + '+/';
  const urlsafe = ALNUM + '-_';
  const pem = (kind: string): string =>
    [`-----BEGIN ${kind}PRIVATE KEY-----`, r(b64, 64), r(b64, 64), r(b64, 40) + '==', `-----END ${kind}PRIVATE KEY-----`].join('\n');
  const jwt = (): string => {
    const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from(`{"sub":"${r(DIGITS, 8)}","iat":1718000000}`).toString('base64url');
    return `${header}.${payload}.${r(urlsafe, 43)}`;
  };

  const samples: SecretSample[] = [];
  const add = (name: string, rule: string, secret: string, context: (x: string) => unknown): void => {
    samples.push({ name, rule, secret, context: context(secret) });
  };

  // OpenAI
  add('openai legacy key in prose', 'openai-key', s(['sk', '-', r(ALNUM, 48)]), (x) => `my key is ${x} but it fails`);
  add('openai project key in env line', 'openai-key', s(['sk', '-proj-', r(urlsafe, 156)]), (x) => `OPENAI_API_KEY=${x}`);
  add('openai service account key in JSON string', 'openai-key', s(['sk', '-svcacct-', r(urlsafe, 120)]), (x) => JSON.stringify({ k: x }));
  add('openai admin key in a tool arg', 'openai-key', s(['sk', '-admin-', r(urlsafe, 100)]), (x) => ({ config: { llm: x } }));
  // Anthropic
  add('anthropic api key', 'anthropic-key', s(['sk', '-ant-', 'api03-', r(urlsafe, 93), 'AA']), (x) => `export ANTHROPIC_API_KEY="${x}"`);
  add('anthropic admin key in a list', 'anthropic-key', s(['sk', '-ant-', 'admin01-', r(urlsafe, 80)]), (x) => [`first`, x]);
  // GitHub
  add('github classic pat', 'github-token', s(['gh', 'p_', r(ALNUM, 36)]), (x) => `git clone https://x-access-token:${x}@github.com/o/r.git`);
  add('github oauth token', 'github-token', s(['gh', 'o_', r(ALNUM, 36)]), (x) => `token=${x};`);
  add('github user-to-server token', 'github-token', s(['gh', 'u_', r(ALNUM, 36)]), (x) => `(${x})`);
  add('github server-to-server token', 'github-token', s(['gh', 's_', r(ALNUM, 36)]), (x) => ({ note: `installation ${x} expires soon` }));
  add('github refresh token', 'github-token', s(['gh', 'r_', r(ALNUM, 76)]), (x) => x);
  add('github fine-grained pat', 'github-token', s(['github', '_pat_', r(ALNUM, 22), '_', r(ALNUM, 59)]), (x) => `use ${x}`);
  // AWS
  add('aws access key id', 'aws-access-key-id', s(['AK', 'IA', r(UPPER + DIGITS, 16)]), (x) => `aws_access_key_id = ${x}`);
  add('aws temporary access key id', 'aws-access-key-id', s(['AS', 'IA', r(UPPER + DIGITS, 16)]), (x) => `"AccessKeyId": "${x}"`);
  add('aws secret key in credentials file', 'aws-secret-key', r(b64, 40), (x) => `[default]\naws_secret_access_key = ${x}\n`);
  add('aws secret key in STS JSON text', 'aws-secret-key', r(b64, 40), (x) => `{"SecretAccessKey": "${x}", "Expiration": "2024-06-11T10:00:00Z"}`);
  add('aws secret key in env', 'aws-secret-key', r(b64, 40), (x) => `AWS_SECRET_ACCESS_KEY=${x}`);
  // Slack
  add('slack bot token', 'slack-token', s(['xo', 'xb-', r(DIGITS, 12), '-', r(DIGITS, 13), '-', r(ALNUM, 24)]), (x) => `SLACK_BOT_TOKEN=${x}`);
  add('slack user token', 'slack-token', s(['xo', 'xp-', r(DIGITS, 12), '-', r(DIGITS, 12), '-', r(DIGITS, 13), '-', r('abcdef' + DIGITS, 32)]), (x) => `u: ${x}`);
  add('slack app token', 'slack-token', s(['xa', 'pp-1-', r(UPPER + DIGITS, 11), '-', r(DIGITS, 13), '-', r('abcdef' + DIGITS, 64)]), (x) => x);
  add('slack webhook', 'slack-webhook', s(['https://hooks.', 'slack.com/services/T', r(UPPER + DIGITS, 8), '/B', r(UPPER + DIGITS, 8), '/', r(ALNUM, 24)]), (x) => `POST ${x} failed with 404`);
  // Authorization headers
  add('bearer token in header text', 'auth-header', r(urlsafe + '.', 40), (x) => `Authorization: Bearer ${x}`);
  add('basic credentials in header text', 'auth-header', Buffer.from(`admin:${r(ALNUM, 12)}`).toString('base64'), (x) => `curl -H "Authorization: Basic ${x}" https://api.internal`);
  add('bearer token lower-case scheme', 'auth-header', r(ALNUM, 32), (x) => `sent header "authorization: bearer ${x}"`);
  add('authorization header object', 'key-name', `Bearer ${r(ALNUM, 30)}`, (x) => ({ headers: { Authorization: x, accept: 'application/json' } }));
  // Private keys
  add('rsa private key block', 'private-key', pem('RSA '), (x) => `key file:\n${x}\n`);
  add('openssh private key block', 'private-key', pem('OPENSSH '), (x) => ({ file: x }));
  add('pkcs8 private key block', 'private-key', pem(''), (x) => x);
  // JWT
  add('jwt in a cookie string', 'jwt', jwt(), (x) => `session=${x}; Path=/; HttpOnly`);
  add('jwt in a tool result', 'jwt', jwt(), (x) => ({ access: x, kind: 'jwt' }));
  // Emails
  add('email in prose', 'email', `ada.lovelace+billing@example.co.uk`, (x) => `Please email ${x} about the refund.`);
  add('email as a value', 'email', `j.smith@mail.example.com`, (x) => ({ customer: { contact: x } }));
  add('email in angle brackets', 'email', `support-team@example.org`, (x) => `From: Support <${x}>`);
  // Phones
  add('E.164 phone', 'phone', '+14155550132', (x) => `call ${x} now`);
  add('international spaced phone', 'phone', '+44 20 7946 0958', (x) => `UK office: ${x}.`);
  add('US phone with parens', 'phone', '(415) 555-0132', (x) => `Phone: ${x}`);
  add('US phone dashed', 'phone', '415-555-0198', (x) => ({ phone: x }));
  add('French national phone', 'phone', '06 12 34 56 78', (x) => `tel ${x}`);
  add('UK mobile national', 'phone', '07700 900123', (x) => `mobile: ${x}`);
  // Cards
  add('visa spaced', 'card-number', groups(luhnNumber('4', 16, r), [4, 4, 4, 4], ' '), (x) => `card ${x} declined`);
  add('mastercard dashed', 'card-number', groups(luhnNumber('5', 16, r), [4, 4, 4, 4], '-'), (x) => ({ payment: { pan: x } }));
  add('amex 4-6-5', 'card-number', groups(luhnNumber('37', 15, r), [4, 6, 5], ' '), (x) => `amex ${x}`);
  add('visa plain digits', 'card-number', luhnNumber('4', 16, r), (x) => `number=${x}`);
  add('discover 19 digits', 'card-number', luhnNumber('6011', 19, r), (x) => x);
  // Key names and URL credentials
  add('password by key', 'key-name', `${r(ALNUM, 10)}!`, (x) => ({ login: { user: 'ada', password: x } }));
  add('client_secret by key', 'key-name', r(urlsafe, 32), (x) => ({ oauth: { client_secret: x } }));
  add('cookie by key', 'key-name', `sid=${r(ALNUM, 24)}`, (x) => ({ request: { headers: { cookie: x } } }));
  add('password in a database URL', 'url-credentials', `${r(ALNUM, 14)}`, (x) => `postgres://app:${x}@db.internal:5432/main`);
  add('api key query parameter', 'url-secret-param', r(ALNUM, 32), (x) => `GET https://api.example.com/v1/items?limit=5&api_key=${x}`);
  add('stripe live secret key', 'stripe-key', s(['sk', '_live_', r(ALNUM, 24)]), (x) => `stripe: ${x}`);
  add('google api key', 'google-api-key', s(['AI', 'za', r(urlsafe, 35)]), (x) => `?key=${x}`);
  return samples;
}

/** Text that must come out of redaction unchanged (at least 30). */
export const NEAR_MISSES: readonly NearMiss[] = [
  { name: 'order id', text: 'Order A-1042 was shipped' },
  { name: 'long order id', text: 'ORD-2024-000123 refunded' },
  { name: 'uuid', text: 'request 550e8400-e29b-41d4-a716-446655440000 done' },
  { name: 'uuid with long digit group', text: '123e4567-e89b-12d3-a456-426614174000' },
  { name: 'git sha', text: 'deployed 3f2a9c1d4e5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f' },
  { name: 'short git sha', text: 'fix in 3f2a9c1' },
  { name: 'iso date', text: 'due 2024-06-11' },
  { name: 'iso timestamp', text: '2024-06-11T10:30:00.123Z' },
  { name: 'european date', text: 'le 11.06.2024 à 10:30' },
  { name: 'slash date', text: 'on 06/11/2024' },
  { name: 'semver', text: 'upgrade to 1.24.3-beta.2' },
  { name: 'npm spec', text: 'install react@18.2.0 and lodash@4.17.21' },
  { name: 'scoped npm spec', text: 'npm i @types/node@20.19.43' },
  { name: 'price', text: 'total $1,234,567.89 incl. VAT' },
  { name: 'price eur', text: '€ 4 999,00' },
  { name: '16 digits failing Luhn', text: 'ref 4111111111111112' },
  { name: '16 digits spaced failing Luhn', text: 'ref 4111 1111 1111 1112' },
  { name: 'ms timestamp', text: 'ts=1718000000000' },
  { name: 'long numeric id', text: 'tracking 9400111899223197428490' },
  { name: 'sk- in prose', text: 'the risk-assessment-framework-for-enterprise-teams doc' },
  { name: 'sk- slug', text: 'use sk-learn-compatible-estimators-everywhere' },
  { name: 'sklearn', text: 'pip install scikit-learn; import sklearn' },
  { name: 'email lookalike spelled out', text: 'user at example dot com' },
  { name: 'asset with @2x', text: 'logo@2x.png and icon@3x.webp' },
  { name: 'twitter handle', text: 'follow @rehearse_dev' },
  { name: 'bearer in prose', text: 'Bearer bonds are unusual today' },
  { name: 'basic in prose', text: 'Basic information about the plan' },
  { name: 'public key block', text: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqh\n-----END PUBLIC KEY-----' },
  { name: 'certificate block', text: '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----' },
  { name: 'ip address', text: 'connect to 192.168.100.12:8080' },
  { name: 'time range', text: 'open 09:00-17:30 weekdays' },
  { name: 'isbn', text: 'ISBN 978-0-306-40615-7' },
  { name: 'zip code', text: 'Paris 75011, France' },
  { name: 'short number groups', text: 'room 12 34 floor 5' },
  { name: 'small count', text: 'processed 1234567 rows in 12 s' },
  { name: 'hex color', text: 'color #1a2b3c' },
  { name: 'placeholder already', text: 'mail <<EMAIL_1>> re: <<OPENAI_KEY_2>>' },
  { name: 'aws-like lower case', text: 'akiaexamplelowercase0000' },
  { name: 'token word in prose', text: 'the token limit was reached' },
  { name: 'ghp_ too short', text: 'prefix ghp_short is not a token' },
  { name: 'jwt-like word', text: 'eyJustKidding is not a token' },
];
