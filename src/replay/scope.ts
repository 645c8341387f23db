import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Something that stands between the agent and its tools: a replay answers calls from the recording,
 * a capture runs the real tool and records the call. `invoke` runs the real tool.
 */
export interface ToolInterceptor {
  callTool(name: string, args: unknown, invoke: () => Promise<unknown>): Promise<unknown>;
}

/*
 * The storage lives on globalThis under a registered symbol, not in this module: the agent imports
 * `recordable` from the published package while the harness may run from its own bundle, and the two
 * copies of this module must still see one scope.
 */
const STORAGE_KEY = Symbol.for('rehearse.tool-interceptor.v1');
type GlobalWithStorage = typeof globalThis & { [STORAGE_KEY]?: AsyncLocalStorage<ToolInterceptor> };

function storage(): AsyncLocalStorage<ToolInterceptor> {
  const g = globalThis as GlobalWithStorage;
  return (g[STORAGE_KEY] ??= new AsyncLocalStorage<ToolInterceptor>());
}

/** The interceptor of the replay or capture this code runs in, if any. */
export function currentInterceptor(): ToolInterceptor | undefined {
  return storage().getStore();
}

/** Runs `fn` so that every recordable tool called from it (at any depth, across awaits) goes through `interceptor`. */
export function runWithInterceptor<T>(interceptor: ToolInterceptor, fn: () => T): T {
  return storage().run(interceptor, fn);
}
