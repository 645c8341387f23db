import { describe, expect, test } from 'vitest';
import type { Json } from '../model/json.js';
import type { TimelineEvent, ToolMatchPolicy } from '../model/case.js';
import { ToolMatcher, type MatchOutcome } from './tool-matcher.js';
import { argDistance } from './arg-distance.js';

function tool(name: string, args: Json, result: Json): TimelineEvent {
  return { type: 'tool', name, args, result };
}
const modelCall: TimelineEvent = { type: 'model', request: { messages: [] }, response: { text: 'thinking' } };

/** The recorded result a hit serves, or the outcome kind when it is not a hit. */
function served(outcome: MatchOutcome): Json | string {
  return outcome.kind === 'hit' ? (outcome.recorded.event.result as Json) : `<${outcome.kind}>`;
}

function matcher(timeline: TimelineEvent[], tools?: Record<string, ToolMatchPolicy>, defaultTool?: ToolMatchPolicy): ToolMatcher {
  return new ToolMatcher(timeline, { ...(tools && { tools }), ...(defaultTool && { defaultTool }) });
}

describe('exact (the default)', () => {
  test('matches by tool name and arguments, ignoring key order, and reports the recorded step', () => {
    const m = matcher([modelCall, tool('refund', { orderId: 'A-1', amount: 5 }, 'r1')]);
    const outcome = m.match('refund', { amount: 5, orderId: 'A-1' });
    expect(outcome).toMatchObject({ kind: 'hit', recorded: { step: 1 } });
    expect(served(outcome)).toBe('r1');
  });

  test('serves repeated identical calls in recorded order, then misses when they are used up', () => {
    const m = matcher([tool('lookup', { id: 1 }, 'first'), tool('lookup', { id: 2 }, 'other'), tool('lookup', { id: 1 }, 'second')]);
    expect(served(m.match('lookup', { id: 1 }))).toBe('first');
    expect(served(m.match('lookup', { id: 1 }))).toBe('second');
    const third = m.match('lookup', { id: 1 });
    expect(third.kind).toBe('miss');
    expect(third.kind === 'miss' && third.reason).toBe('no unused recorded call of tool "lookup" has these arguments');
    expect(served(m.match('lookup', { id: 2 }))).toBe('other');
  });

  test('different arguments miss, naming the nearest recorded call', () => {
    const m = matcher([tool('lookup', { id: 'A-1', verbose: true }, 'a'), tool('lookup', { id: 'B-7', verbose: false }, 'b')]);
    const outcome = m.match('lookup', { id: 'A-2', verbose: true });
    expect(outcome.kind).toBe('miss');
    expect(outcome.kind === 'miss' && outcome.nearest?.step).toBe(0);
  });

  test('a tool with no recorded call misses without a nearest call', () => {
    const m = matcher([tool('lookup', { id: 1 }, 'a')]);
    expect(m.match('refund', { id: 1 })).toEqual({ kind: 'miss', reason: 'the recording has no call to tool "refund"' });
  });

  test('a name matches only its own tool, even with equal arguments', () => {
    const m = matcher([tool('a', { x: 1 }, 'from a'), tool('b', { x: 1 }, 'from b')]);
    expect(served(m.match('b', { x: 1 }))).toBe('from b');
    expect(served(m.match('a', { x: 1 }))).toBe('from a');
  });
});

describe('ignore', () => {
  const timeline = [tool('book', { room: 4, requestedAt: '2025-06-01T10:00:00Z', meta: { trace: 'abc', who: 'ann' } }, 'booked')];

  test('leaves the listed pointers out on both sides', () => {
    const m = matcher(timeline, { book: { match: 'ignore', ignore: ['/requestedAt', '/meta/trace'] } });
    const outcome = m.match('book', { meta: { who: 'ann', trace: 'zzz' }, room: 4, requestedAt: '2026-01-01T00:00:00Z' });
    expect(served(outcome)).toBe('booked');
  });

  test('still compares everything not listed', () => {
    const m = matcher(timeline, { book: { match: 'ignore', ignore: ['/requestedAt'] } });
    expect(m.match('book', { room: 4, requestedAt: 'later', meta: { trace: 'zzz', who: 'ann' } }).kind).toBe('miss');
    const n = matcher(timeline, { book: { match: 'ignore', ignore: ['/requestedAt'] } });
    expect(n.match('book', { room: 5, requestedAt: '2025-06-01T10:00:00Z', meta: { trace: 'abc', who: 'ann' } }).kind).toBe('miss');
  });

  test('without the policy the timestamp makes it a miss', () => {
    const m = matcher(timeline);
    expect(m.match('book', { room: 4, requestedAt: 'later', meta: { trace: 'abc', who: 'ann' } }).kind).toBe('miss');
  });
});

describe('sequential', () => {
  test('the n-th call gets the n-th recording whatever its arguments; past the end is a miss', () => {
    const m = matcher([tool('roll', { seed: 1 }, 4), modelCall, tool('roll', { seed: 2 }, 6)], { roll: { match: 'sequential' } });
    expect(served(m.match('roll', { anything: true }))).toBe(4);
    expect(served(m.match('roll', 'different'))).toBe(6);
    const third = m.match('roll', { seed: 1 });
    expect(third.kind).toBe('miss');
    expect(third.kind === 'miss' && third.reason).toBe('call 3 of tool "roll" is past the recording (2 recorded)');
    expect(third.kind === 'miss' && third.nearest?.step).toBe(0);
  });

  test('the count is per tool', () => {
    const m = matcher([tool('a', 1, 'a1'), tool('b', 1, 'b1'), tool('a', 2, 'a2')], undefined, { match: 'sequential' });
    expect(served(m.match('b', 9))).toBe('b1');
    expect(served(m.match('a', 9))).toBe('a1');
    expect(served(m.match('a', 9))).toBe('a2');
  });
});

describe('nearest', () => {
  test('picks the unused recorded call whose arguments differ least (by differing leaves)', () => {
    const m = matcher(
      [
        tool('search', { q: 'refund policy', lang: 'en', page: 1 }, 'policy'),
        tool('search', { q: 'shipping times', lang: 'en', page: 1 }, 'shipping'),
        tool('search', { q: 'refund policy', lang: 'en', page: 2 }, 'policy p2'),
      ],
      { search: { match: 'nearest' } },
    );
    // One leaf away from 'shipping' (page), two from the others.
    expect(served(m.match('search', { q: 'shipping times', lang: 'en', page: 3 }))).toBe('shipping');
    // One leaf (the extra key) away from 'policy p2', two from 'policy'.
    expect(served(m.match('search', { q: 'refund policy', lang: 'en', page: 2, extra: 1 }))).toBe('policy p2');
    // Only 'policy' is left unused, so it answers even a call that equals the used 'policy p2'.
    expect(served(m.match('search', { q: 'refund policy', lang: 'en', page: 2 }))).toBe('policy');
    const fourth = m.match('search', { q: 'x' });
    expect(fourth.kind === 'miss' && fourth.reason).toBe('every recorded call of tool "search" (3) was already used');
  });

  test('prefers the earlier recording on a tie', () => {
    const m = matcher([tool('t', { a: 1 }, 'first'), tool('t', { a: 2 }, 'second')], { t: { match: 'nearest' } });
    expect(served(m.match('t', { a: 3 }))).toBe('first');
  });
});

describe('live', () => {
  test('answers live whether or not the tool was recorded, and still counts the call', () => {
    const m = matcher([tool('clock', {}, 'then')], { clock: { match: 'live' }, fresh: { match: 'live' } });
    expect(m.match('clock', {})).toEqual({ kind: 'live' });
    expect(m.match('fresh', { never: 'recorded' })).toEqual({ kind: 'live' });
  });

  test('is chosen per tool: other tools keep the default policy', () => {
    const m = matcher([tool('clock', {}, 'then'), tool('db', { id: 1 }, 'row')], { clock: { match: 'live' } });
    expect(m.match('clock', {}).kind).toBe('live');
    expect(served(m.match('db', { id: 1 }))).toBe('row');
    expect(m.policyFor('clock')).toEqual({ match: 'live' });
    expect(m.policyFor('db')).toEqual({ match: 'exact' });
  });
});

describe('nearest recorded call for reports', () => {
  test('considers used calls too', () => {
    const m = matcher([tool('t', { a: 1, b: 1 }, 'x'), tool('t', { a: 9, b: 9 }, 'y')]);
    expect(m.match('t', { a: 1, b: 1 }).kind).toBe('hit');
    expect(m.nearest('t', { a: 1, b: 2 })?.step).toBe(0);
    expect(m.nearest('other', {})).toBeUndefined();
  });
});

describe('argDistance', () => {
  test('is 0 for equal values whatever the key order', () => {
    expect(argDistance({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(0);
  });

  test('counts differing leaves, missing keys and extra array slots', () => {
    expect(argDistance({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(1);
    expect(argDistance({ a: 1 }, { a: 1, b: { c: 1, d: 2 } })).toBe(2);
    expect(argDistance([1, 2, 3], [1, 2])).toBe(1);
    expect(argDistance('x', { a: 1, b: 2 })).toBe(2);
    expect(argDistance([1, 2], { 0: 1, 1: 2 })).toBe(2);
    expect(argDistance('a', 'b')).toBe(1);
  });
});
