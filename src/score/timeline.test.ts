import { describe, expect, it } from 'vitest';
import { ordinal, toolCalls } from './timeline.js';
import { model, tool } from './test-support.js';

describe('toolCalls', () => {
  it('keeps tool events in order and drops model calls', () => {
    const a = tool('a', { x: 1 });
    const b = tool('b');
    expect(toolCalls([model(), a, model(), b])).toEqual([a, b]);
    expect(toolCalls([])).toEqual([]);
  });
});

describe('ordinal', () => {
  it('spells 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 112th', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 112].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '112th']);
  });
});
