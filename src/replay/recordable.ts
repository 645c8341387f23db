import { currentInterceptor } from './scope.js';

/**
 * Makes a tool replayable where it is defined. Outside a replay or capture the wrapper calls `fn` with the
 * same `this` and arguments; inside one, the call is answered by the harness (from the recording, or live
 * when the case's policy says so). The first argument is the tool's arguments, which is what matching sees;
 * further arguments (an SDK's call options, say) are passed to `fn` but not matched.
 *
 * @example
 * export const lookupOrder = recordable('lookup_order', async ({ orderId }: { orderId: string }) => db.get(orderId));
 */
export function recordable<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<Awaited<R>> {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('recordable(name, fn): name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`recordable('${name}', fn): fn must be a function`);
  const wrapped = function (this: unknown, ...args: A): Promise<Awaited<R>> {
    const invoke = async (): Promise<Awaited<R>> => (await fn.apply(this, args)) as Awaited<R>;
    const interceptor = currentInterceptor();
    if (!interceptor) return invoke();
    return interceptor.callTool(name, args[0], invoke) as Promise<Awaited<R>>;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name || name });
  return wrapped;
}

/** A tool as tool-calling SDKs define it: an object with an `execute` function (Vercel AI SDK, Mastra, …). */
export interface ExecutableTool {
  execute?: (...args: never[]) => unknown;
}

type RecordableToolMap<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : T[K];
};

/**
 * Wraps every tool of a tools object, keyed by tool name: plain functions, and objects with an `execute`
 * function (a Vercel AI SDK `tools` map), whose other fields (description, input schema) are kept.
 *
 * @example
 * const tools = recordableTools({ lookupOrder: tool({ inputSchema, execute: async (args) => … }) });
 */
export function recordableTools<T extends Record<string, unknown>>(tools: T): RecordableToolMap<T> {
  const out: Record<string, unknown> = {};
  for (const [name, tool] of Object.entries(tools)) {
    if (typeof tool === 'function') {
      out[name] = recordable(name, tool as (...args: unknown[]) => unknown);
    } else if (tool !== null && typeof tool === 'object' && typeof (tool as ExecutableTool).execute === 'function') {
      const execute = (tool as { execute: (...args: unknown[]) => unknown }).execute;
      out[name] = { ...tool, execute: recordable(name, execute) };
    } else {
      out[name] = tool;
    }
  }
  return out as RecordableToolMap<T>;
}
