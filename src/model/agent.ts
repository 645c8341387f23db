import type { Json } from './json.js';

/** What the harness hands the agent beside its input. */
export interface AgentContext {
  /** `<suite>/<id>` of the case being replayed. */
  caseKey: string;
  /** 1-based attempt number (repeats). */
  attempt: number;
  /** Aborted when the attempt times out: pass it to anything that can be cancelled. */
  signal: AbortSignal;
  /** The same helper as the module-level `recordable`, bound to this replay. */
  recordable: <A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>) => (...args: A) => Promise<Awaited<R>>;
}

/** The function a config's `agent` entry points at. */
export type AgentFn = (input: Json, ctx: AgentContext) => unknown;
