import type { Json } from '../model/json.js';
import type { Case, ToolMatchPolicy } from '../model/case.js';
import type { AgentContext, AgentFn } from '../model/agent.js';
import type { ErrorInfo } from '../model/result.js';
import type { ReplayedRun } from '../model/run.js';
import { isPlainJson } from '../case/canonical-json.js';
import { armDeadline } from './deadlines.js';
import { runWithInterceptor } from './scope.js';
import { recordable } from './recordable.js';
import { ReplaySession, type ModelCallResponder } from './replay-session.js';

export interface ReplayAttemptOptions {
  agent: AgentFn;
  caseData: Case;
  caseKey: string;
  /** 1-based. From the second attempt on, inputs and recorded results are copied before the agent sees them. */
  attempt: number;
  timeoutMs: number;
  /** Tool policies from the config; the case's own `replay.tools` win. */
  tools?: Record<string, ToolMatchPolicy>;
  defaultTool?: ToolMatchPolicy;
  /** Answers model calls made through rehearse's seams (one per attempt: it keeps the attempt's matches). */
  models?: ModelCallResponder;
}

const TIMEOUT = Symbol('timeout');

/**
 * Runs the agent once on a case's input with its tools answered from the recording. Never throws: a throw,
 * a timeout or a divergence is part of the returned run, with the trajectory up to that point.
 */
export async function replayAttempt(options: ReplayAttemptOptions): Promise<ReplayedRun> {
  const { caseData, attempt } = options;
  const replay = caseData.replay;
  const session = new ReplaySession(caseData.timeline, {
    tools: replay?.tools ? { ...options.tools, ...replay.tools } : options.tools,
    defaultTool: replay?.defaultTool ?? options.defaultTool,
    copyResults: attempt > 1,
    ...(options.models && { models: options.models }),
  });
  // Most agents never read the signal, and an AbortController per attempt is measurable at thousands of
  // cases: it is made on first use.
  let controller: AbortController | undefined;
  const ctx: AgentContext = {
    caseKey: options.caseKey,
    attempt,
    get signal() {
      return (controller ??= new AbortController()).signal;
    },
    recordable,
  };
  const input = attempt > 1 ? structuredClone(caseData.input) : caseData.input;
  const started = performance.now();
  let output: unknown;
  let error: ErrorInfo | undefined;
  let disarm: (() => void) | undefined;
  try {
    const running = runWithInterceptor(session, () => options.agent(input, ctx));
    const settled = await new Promise<unknown>((resolve, reject) => {
      disarm = armDeadline(options.timeoutMs, () => resolve(TIMEOUT));
      Promise.resolve(running).then(resolve, reject);
    });
    if (settled === TIMEOUT) {
      controller?.abort(new Error(`timed out after ${options.timeoutMs} ms`));
      // The agent keeps running in the background; its late rejections must not surface as unhandled.
      Promise.resolve(running).catch(() => {});
      error = { code: 'AGENT_TIMEOUT', message: `the agent did not finish within ${options.timeoutMs} ms (step ${session.timeline.length})` };
    } else {
      output = settled;
    }
  } catch (thrown) {
    error = agentError(thrown);
  } finally {
    disarm?.();
  }

  const run: ReplayedRun = { timeline: session.timeline, durationMs: round(performance.now() - started) };
  if (output !== undefined) run.output = toJsonOutput(output);
  if (error) run.error = error;
  if (session.divergence) run.divergence = session.divergence;
  return run;
}

function agentError(thrown: unknown): ErrorInfo {
  if (thrown instanceof Error) {
    const info: ErrorInfo = { code: 'AGENT_THREW', message: thrown.message, name: thrown.name };
    if (thrown.stack) info.stack = thrown.stack;
    return info;
  }
  return { code: 'AGENT_THREW', message: `the agent threw a non-Error value: ${String(thrown)}` };
}

/** Outputs are stored in results files: keep JSON values as they are and reduce anything else to JSON. */
function toJsonOutput(value: unknown): Json {
  if (isPlainJson(value)) return value as Json;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : (JSON.parse(text) as Json);
  } catch {
    return String(value);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
