import { describe, expect, it } from 'vitest';
import type { Json } from '../model/json.js';
import { redact } from './redact.js';
import { NEAR_MISSES, secretSamples } from './redaction-corpus.js';
import { BUILT_IN_RULES, passesLuhn } from './redact-rules.js';

/** Every string a secret could leak through: the whole secret, and each long line of a multi-line one. */
function leakProbes(secret: string): string[] {
  const lines = secret.split('\n').filter((line) => line.length >= 20 && !line.startsWith('-----'));
  return [secret, ...lines];
}

describe('redaction corpus', () => {
  const samples = secretSamples();

  it('has enough realistic secrets and near-misses to mean something', () => {
    expect(samples.length).toBeGreaterThanOrEqual(40);
    expect(NEAR_MISSES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(samples.map((s) => s.secret)).size).toBe(samples.length);
  });

  it('leaks none of the secrets, redacted one at a time', () => {
    const leaks: string[] = [];
    for (const sample of samples) {
      const { value } = redact(sample.context as Json);
      const text = JSON.stringify(value);
      if (leakProbes(sample.secret).some((probe) => text.includes(JSON.stringify(probe).slice(1, -1)))) {
        leaks.push(`${sample.name}: ${text}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('leaks none of the secrets when they all sit in one artifact', () => {
    const artifact = { input: samples.map((s) => s.context), timeline: [{ note: samples.map((s) => s.secret).join(' | ') }] };
    const { value } = redact(artifact as unknown as Json);
    const text = JSON.stringify(value);
    const leaked = samples.filter((s) => leakProbes(s.secret).some((p) => text.includes(JSON.stringify(p).slice(1, -1))));
    expect(leaked.map((s) => s.name)).toEqual([]);
  });

  it('attributes each secret to the rule meant to catch it', () => {
    const wrong: string[] = [];
    for (const sample of samples) {
      const { records } = redact(sample.context as Json);
      const rules = records.map((r) => r.rule);
      if (!rules.includes(sample.rule)) wrong.push(`${sample.name}: expected ${sample.rule}, got ${rules.join(', ') || 'nothing'}`);
    }
    expect(wrong).toEqual([]);
  });

  it('leaves every near-miss unchanged', () => {
    const changed: string[] = [];
    for (const miss of NEAR_MISSES) {
      const { value, records } = redact(miss.text);
      if (value !== miss.text || records.length > 0) changed.push(`${miss.name}: ${miss.text} -> ${String(value)}`);
    }
    expect(changed).toEqual([]);
  });
});

describe('redact', () => {
  it('gives the same secret the same placeholder everywhere, and different secrets different numbers', () => {
    const input = {
      input: { customer: { email: 'ada@example.com' }, cc: 'grace@example.com' },
      timeline: [{ type: 'tool', name: 'send', args: { to: 'ada@example.com', body: 'Hi ada@example.com, cc grace@example.com' } }],
    };
    const { value, records } = redact(input);
    expect(value).toEqual({
      input: { customer: { email: '<<EMAIL_1>>' }, cc: '<<EMAIL_2>>' },
      timeline: [{ type: 'tool', name: 'send', args: { to: '<<EMAIL_1>>', body: 'Hi <<EMAIL_1>>, cc <<EMAIL_2>>' } }],
    });
    expect(records).toEqual([
      { placeholder: '<<EMAIL_1>>', rule: 'email', pointers: ['/input/customer/email', '/timeline/0/args/to', '/timeline/0/args/body'] },
      { placeholder: '<<EMAIL_2>>', rule: 'email', pointers: ['/input/cc', '/timeline/0/args/body'] },
    ]);
  });

  it('is idempotent: a second pass changes nothing and finds nothing', () => {
    const samples = secretSamples();
    const once = redact({ all: samples.map((s) => s.context) } as unknown as Json);
    const twice = redact(once.value);
    expect(twice.value).toEqual(once.value);
    expect(twice.records).toEqual([]);
  });

  it('numbers new placeholders after the ones already present', () => {
    const { value, records } = redact({ a: '<<EMAIL_1>>', b: 'new@example.com' });
    expect(value).toEqual({ a: '<<EMAIL_1>>', b: '<<EMAIL_2>>' });
    expect(records).toEqual([{ placeholder: '<<EMAIL_2>>', rule: 'email', pointers: ['/b'] }]);
  });

  it('replaces values under credential keys whole, of any type, and sweeps the same value elsewhere', () => {
    const { value, records } = redact({
      headers: { 'X-Api-Key': 'plain-looking-value', Cookie: ['a=1', 'b=2'] },
      db: { password: 'correct horse battery', port: 5432 },
      usage: { inputTokens: 12, maxTokens: 100 },
      log: 'login with correct horse battery failed',
      flags: { secret: false, token: '' },
    });
    expect(value).toEqual({
      headers: { 'X-Api-Key': '<<X_API_KEY_1>>', Cookie: '<<COOKIE_1>>' },
      db: { password: '<<PASSWORD_1>>', port: 5432 },
      usage: { inputTokens: 12, maxTokens: 100 },
      log: 'login with <<PASSWORD_1>> failed',
      flags: { secret: false, token: '' },
    });
    expect(records.find((r) => r.placeholder === '<<PASSWORD_1>>')).toEqual({
      placeholder: '<<PASSWORD_1>>',
      rule: 'key-name',
      pointers: ['/db/password', '/log'],
    });
  });

  it('applies user rules: regex (string or RegExp), pointer with wildcard, key name', () => {
    const { value, records } = redact(
      {
        input: { customer: { address: { street: '1 Main St', city: 'Springfield' }, ssn: '078-05-1120', account: 'ACCT-99812' } },
        timeline: [{ args: { address: '1 Main St' } }, { args: { address: 'other' } }],
        note: 'account ACCT-99812 and ACCT-10001',
      },
      {
        rules: [
          { name: 'account-id', pattern: 'ACCT-\\d{5}' },
          { name: 'street', pattern: /\d+ Main St/ },
          { pointer: '/input/customer/address' },
          { pointer: '/timeline/*/args/address', name: 'tool-address' },
          { key: 'ssn' },
        ],
      },
    );
    expect(value).toEqual({
      input: { customer: { address: '<<ADDRESS_1>>', ssn: '<<SSN_1>>', account: '<<ACCOUNT_ID_1>>' } },
      timeline: [{ args: { address: '<<TOOL_ADDRESS_1>>' } }, { args: { address: '<<TOOL_ADDRESS_2>>' } }],
      note: 'account <<ACCOUNT_ID_1>> and <<ACCOUNT_ID_2>>',
    });
    const byPlaceholder = Object.fromEntries(records.map((r) => [r.placeholder, r]));
    expect(byPlaceholder['<<ADDRESS_1>>']).toEqual({ placeholder: '<<ADDRESS_1>>', rule: 'user:/input/customer/address', pointers: ['/input/customer/address'] });
    expect(byPlaceholder['<<SSN_1>>']?.rule).toBe('user:ssn');
    expect(byPlaceholder['<<ACCOUNT_ID_1>>']?.pointers).toEqual(['/input/customer/account', '/note']);
  });

  it('escapes pointers (RFC 6901) and redacts secrets inside object keys', () => {
    const { value, records } = redact({ 'a/b': { 'c~d': 'ada@example.com' }, byUser: { 'grace@example.com': 3 } });
    expect(value).toEqual({ 'a/b': { 'c~d': '<<EMAIL_1>>' }, byUser: { '<<EMAIL_2>>': 3 } });
    expect(records.map((r) => r.pointers)).toEqual([['/a~1b/c~0d'], ['/byUser/<<EMAIL_2>>']]);
  });

  it('can turn built-in rules off', () => {
    expect(redact('call +14155550132', { disable: ['phone'] }).value).toBe('call +14155550132');
    expect(redact({ password: 'x1234567' }, { keyNames: false }).value).toEqual({ password: 'x1234567' });
  });

  it('rejects malformed user rules with a message that says what to do', () => {
    expect(() => redact({}, { rules: [{ pointer: 'input/x' }] })).toThrow(/must be a JSON pointer starting with '\/'/);
  });

  it('checks card numbers with Luhn', () => {
    expect(passesLuhn('4539578763621486')).toBe(true);
    expect(passesLuhn('4539578763621487')).toBe(false);
  });
});

describe('redaction across calls', () => {
  it('does not trust a text found clean under one rule set when another rule set is in force', () => {
    const text = 'Order A-1042 was shipped with account acct-778899 on Monday.';
    expect(redact({ text }).value).toEqual({ text }); // built-in rules: nothing to redact, remembered as clean
    const withUserRule = redact({ text }, { rules: [{ name: 'account', pattern: /acct-\d+/ }] });
    expect(withUserRule.value).toEqual({ text: 'Order A-1042 was shipped with account <<ACCOUNT_1>> on Monday.' });
    const phoneOff = 'Call me at +44 20 7946 0958 about ada@example.com.';
    expect(redact({ phoneOff }, { disable: ['phone'] }).value).toEqual({ phoneOff: 'Call me at +44 20 7946 0958 about <<EMAIL_1>>.' });
    expect(redact({ phoneOff }, { disable: ['email'] }).value).toEqual({ phoneOff: 'Call me at <<PHONE_1>> about ada@example.com.' });
    expect(redact({ phoneOff }).value).toEqual({ phoneOff: 'Call me at <<PHONE_1>> about <<EMAIL_1>>.' });
  });

  it('gives the same result the second time a text is seen, with pointers for every place it appears', () => {
    const value = { a: 'Reach me at ada@example.com', list: ['a plain sentence here', 'Reach me at ada@example.com'], again: 'a plain sentence here' };
    const first = redact(value);
    const second = redact(value);
    expect(second).toEqual(first);
    expect(second.value).toEqual({ a: 'Reach me at <<EMAIL_1>>', list: ['a plain sentence here', 'Reach me at <<EMAIL_1>>'], again: 'a plain sentence here' });
    expect(second.records).toEqual([{ placeholder: '<<EMAIL_1>>', rule: 'email', pointers: ['/a', '/list/1'] }]);
  });

  it('still applies pointer rules to short strings and numbers', () => {
    const { value, records } = redact({ user: { pin: '1234', age: 42 } }, { rules: [{ pointer: '/user/pin' }, { pointer: '/user/age', name: 'age' }] });
    expect(value).toEqual({ user: { pin: '<<PIN_1>>', age: '<<AGE_1>>' } });
    expect(records.map((r) => r.pointers)).toEqual([['/user/pin'], ['/user/age']]);
  });
});

describe('timestamps', () => {
  it('no built-in rule matches an ISO timestamp (the redactor skips them with built-in rules only)', () => {
    const hits: string[] = [];
    for (let ms = Date.UTC(2015, 0, 1); ms < Date.UTC(2040, 0, 1); ms += 86_400_000 * 2 + 3_723_457) {
      const stamp = new Date(ms).toISOString();
      for (const rule of BUILT_IN_RULES) {
        for (const match of stamp.matchAll(new RegExp(rule.pattern.source, rule.pattern.flags))) {
          if (!rule.accept || rule.accept(match[0])) hits.push(`${rule.name}: ${stamp}`);
        }
      }
    }
    expect(hits).toEqual([]);
  });

  it('still lets user patterns redact a timestamp', () => {
    const { value } = redact({ at: '2024-06-11T10:30:00.123Z' }, { rules: [{ name: 'when', pattern: /\d{4}-\d\d-\d\dT[\d:.]+Z/ }] });
    expect(value).toEqual({ at: '<<WHEN_1>>' });
  });
});
