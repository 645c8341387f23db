import type { CaseResult, Reporter, RunEndInfo, RunStartInfo } from '../model/index.js';

export type ReporterHook = 'onRunStart' | 'onCaseResult' | 'onRunEnd';

/** A hook that threw (or rejected). The run goes on; the CLI turns a non-empty list into a non-zero exit. */
export interface ReporterFailure {
  reporter: string;
  hook: ReporterHook;
  error: unknown;
}

export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

/** The multiplexer is itself a reporter, with every hook defined and the failures it caught. */
export interface ReporterMultiplexer extends Required<Reporter> {
  readonly failures: ReporterFailure[];
}

export interface MultiplexerOptions {
  /** Where the one-line notices go. @default process.stderr */
  stderr?: { write(chunk: string): unknown };
}

/**
 * One reporter that drives several: each hook is called on each reporter in order, and awaited before the
 * next one. A throwing reporter is recorded in `failures` and noted on stderr, and never stops the others.
 *
 * While every reporter answers synchronously, so does the multiplexer (no promise per case): with 5,000
 * cases the per-case hook stays on the fast path. The first promise switches that call to awaiting.
 */
export function createReporterMultiplexer(reporters: NamedReporter[], options: MultiplexerOptions = {}): ReporterMultiplexer {
  const stderr = options.stderr ?? process.stderr;
  const failures: ReporterFailure[] = [];

  const fail = (reporter: string, hook: ReporterHook, error: unknown): void => {
    failures.push({ reporter, hook, error });
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`rehearse: reporter "${reporter}" failed in ${hook}: ${message.split('\n')[0]}\n`);
  };

  function call<A>(hook: ReporterHook, arg: A): void | Promise<void> {
    for (let i = 0; i < reporters.length; i++) {
      const { name, reporter } = reporters[i] as NamedReporter;
      const fn = reporter[hook] as ((arg: A) => void | Promise<void>) | undefined;
      if (typeof fn !== 'function') continue;
      let result: void | Promise<void>;
      try {
        result = fn.call(reporter, arg);
      } catch (error) {
        fail(name, hook, error);
        continue;
      }
      if (isThenable(result)) return finishAsync(hook, arg, i, result);
    }
  }

  async function finishAsync<A>(hook: ReporterHook, arg: A, index: number, pending: Promise<void>): Promise<void> {
    try {
      await pending;
    } catch (error) {
      fail((reporters[index] as NamedReporter).name, hook, error);
    }
    for (let i = index + 1; i < reporters.length; i++) {
      const { name, reporter } = reporters[i] as NamedReporter;
      const fn = reporter[hook] as ((arg: A) => void | Promise<void>) | undefined;
      if (typeof fn !== 'function') continue;
      try {
        await fn.call(reporter, arg);
      } catch (error) {
        fail(name, hook, error);
      }
    }
  }

  return {
    failures,
    onRunStart: (info: RunStartInfo) => call('onRunStart', info),
    onCaseResult: (result: CaseResult) => call('onCaseResult', result),
    onRunEnd: (info: RunEndInfo) => call('onRunEnd', info),
  };
}

function isThenable(value: unknown): value is Promise<void> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
