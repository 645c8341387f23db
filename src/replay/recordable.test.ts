import { tool, jsonSchema } from 'ai';
import { describe, expect, test } from 'vitest';
import type { TimelineEvent } from '../model/case.js';
import { recordable, recordableTools } from './recordable.js';
import { ReplaySession } from './replay-session.js';
import { currentInterceptor, runWithInterceptor } from './scope.js';

describe('recordable outside a replay', () => {
  test('calls the real function with the same this and every argument', async () => {
    const target = {
      prefix: 'order',
      lookup: recordable('lookup', function (this: { prefix: string }, args: { id: string }, options: { retries: number }) {
        return `${this.prefix} ${args.id} (${options.retries} retries)`;
      }),
    };
    expect(currentInterceptor()).toBeUndefined();
    await expect(target.lookup({ id: 'A-1' }, { retries: 2 })).resolves.toBe('order A-1 (2 retries)');
  });

  test('returns a promise even for a synchronous tool, and passes its errors through', async () => {
    const sync = recordable('double', (n: number) => n * 2);
    const result = sync(21);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(42);
    const failing = recordable('fails', () => {
      throw new Error('real failure');
    });
    await expect(failing()).rejects.toThrow('real failure');
  });

  test('keeps the function name and refuses bad arguments', () => {
    async function lookupOrder(): Promise<number> {
      return 1;
    }
    expect(recordable('lookup_order', lookupOrder).name).toBe('lookupOrder');
    expect(recordable('anon', async () => 1).name).toBe('anon');
    expect(() => recordable('', async () => 1)).toThrow(TypeError);
    expect(() => recordable('x', 'nope' as unknown as () => void)).toThrow(/fn must be a function/);
  });
});

describe('recordableTools', () => {
  const recorded: TimelineEvent[] = [
    { type: 'tool', name: 'weather', args: { city: 'Oslo' }, result: { tempC: -3 } },
    { type: 'tool', name: 'convert', args: 10, result: 50 },
  ];

  test('wraps a Vercel AI SDK tools map built with tool(): execute is replayed, the rest is kept', async () => {
    let realCalls = 0;
    const tools = recordableTools({
      weather: tool({
        description: 'Current weather for a city',
        inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
        execute: async ({ city }) => {
          realCalls++;
          return { tempC: city.length };
        },
      }),
    });
    expect(tools.weather.description).toBe('Current weather for a city');
    expect(tools.weather.inputSchema).toBeDefined();
    const execute = tools.weather.execute!;
    const options = { toolCallId: 'call_1', messages: [] };
    // Outside a replay: the real tool.
    expect(await execute({ city: 'Rome' }, options)).toEqual({ tempC: 4 });
    expect(realCalls).toBe(1);
    // Inside: the recording, matched on the first argument only (the SDK's call options are not matched).
    const session = new ReplaySession(recorded);
    expect(await runWithInterceptor(session, () => execute({ city: 'Oslo' }, options))).toEqual({ tempC: -3 });
    expect(realCalls).toBe(1);
    expect(session.timeline).toEqual([{ type: 'tool', name: 'weather', args: { city: 'Oslo' }, result: { tempC: -3 } }]);
  });

  test('wraps plain functions by their key and leaves values that are not tools alone', async () => {
    const tools = recordableTools({ convert: (n: number) => n * 2, version: 3, nothing: null, noExecute: { description: 'x' } });
    expect(await tools.convert(10)).toBe(20);
    expect(tools.version).toBe(3);
    expect(tools.nothing).toBeNull();
    expect(tools.noExecute).toEqual({ description: 'x' });
    const session = new ReplaySession(recorded);
    expect(await runWithInterceptor(session, () => tools.convert(10))).toBe(50);
  });
});

describe('replay scope', () => {
  test('concurrent sessions do not mix: each call is answered by the session it was made in', async () => {
    const lookup = recordable('lookup', async (_: { id: number }) => 'REAL');
    const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    const sessions = Array.from({ length: 8 }, (_, n) => {
      const timeline: TimelineEvent[] = [
        { type: 'tool', name: 'lookup', args: { id: 1 }, result: `session ${n} first` },
        { type: 'tool', name: 'lookup', args: { id: 2 }, result: `session ${n} second` },
      ];
      return new ReplaySession(timeline);
    });
    const answers = await Promise.all(
      sessions.map((session) =>
        runWithInterceptor(session, async () => {
          await tick();
          const first = await lookup({ id: 1 });
          await tick();
          // Deeper async work (a timer callback) still sees the right session.
          const second = await new Promise((resolve, reject) => setTimeout(() => lookup({ id: 2 }).then(resolve, reject), 1));
          return [first, second];
        }),
      ),
    );
    answers.forEach((answer, n) => expect(answer).toEqual([`session ${n} first`, `session ${n} second`]));
    sessions.forEach((session) => expect(session.timeline).toHaveLength(2));
    expect(currentInterceptor()).toBeUndefined();
  });
});
