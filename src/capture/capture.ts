import { currentCaptureScope } from './run-scope.js';
import { createRecorder, type ActiveRun, type RecorderOptions, type RunExtras } from './recorder.js';
import type { JsonObject } from '../model/json.js';

export interface CaptureOptions<A extends unknown[]> extends RecorderOptions {
  /** What to record as the run's input. @default the first argument */
  input?: (...args: A) => unknown;
  /** Per-call extras: a run id from your request, metadata. */
  extras?: (...args: A) => RunExtras | undefined;
}

/** A captured agent function: the same call signature, plus `flush()` to wait for pending writes. */
export type CapturedFunction<F extends (...args: never[]) => unknown> = F & {
  /** Resolves when every run finished so far has been written. Call before a serverless handler returns or the process exits. */
  flush(): Promise<void>;
};

/**
 * Wraps an agent entry point so each call is recorded as one run: its input, every recordable tool call and
 * recorded model call (in start order), its output or thrown error, duration, and where it ran. The wrapper
 * returns and throws exactly what the agent does; redaction and writing happen after, in the background,
 * and a failing sink is reported through `onError`, never to the caller. Concurrent calls are recorded
 * separately (each has its own AsyncLocalStorage scope). Inside a rehearse replay the wrapper steps aside.
 *
 * @example
 * export const answer = capture(async (question: string) => agent(question), {
 *   agent: { name: 'support-bot' },
 *   environment: 'production',
 * });
 */
export function capture<F extends (...args: never[]) => unknown>(agentFn: F, options: CaptureOptions<Parameters<F>> = {}): CapturedFunction<F> {
  if (typeof agentFn !== 'function') throw new TypeError('capture(agentFn, options): agentFn must be the function to record');
  const recorder = createRecorder(options);
  const pickInput = options.input;
  const pickExtras = options.extras;
  const wrapped = function (this: unknown, ...args: Parameters<F>): unknown {
    const input = pickInput ? pickInput(...args) : args[0];
    return recorder.record(input, () => agentFn.apply(this, args), pickExtras?.(...args));
  };
  Object.defineProperty(wrapped, 'name', { value: agentFn.name || 'captured' });
  return Object.assign(wrapped, { flush: () => recorder.flush() }) as unknown as CapturedFunction<F>;
}

/** The run the calling code is part of, for marking it failed or adding metadata from deep inside the agent. */
export interface CurrentRun {
  readonly runId: string;
  /** Marks the run as answered wrongly; `atStep` defaults to the last step so far. */
  fail(summary: string, atStep?: number): void;
  annotate(metadata: JsonObject): void;
}

/**
 * The captured run the caller is inside, or `undefined` outside a capture (and during replay).
 *
 * @example
 * if (!order) currentRun()?.fail('answered without looking the order up');
 */
export function currentRun(): CurrentRun | undefined {
  const scope = currentCaptureScope();
  if (!scope) return undefined;
  return {
    runId: scope.runId,
    fail: (summary, atStep) => scope.markFailed(summary, atStep),
    annotate: (metadata) => scope.annotate(metadata),
  };
}

export type { ActiveRun };
