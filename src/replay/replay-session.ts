import type { Json } from '../model/json.js';
import type { ModelCallEvent, ToolCallEvent, TimelineEvent, ToolMatchPolicy } from '../model/case.js';
import type { Divergence } from '../model/result.js';
import type { ToolInterceptor } from './scope.js';
import { ToolMatcher, type RecordedCall } from './tool-matcher.js';
import { ReplayDivergenceError, reviveRecordedError, toRecordedError } from './replay-errors.js';

export interface ReplaySessionOptions {
  tools?: Record<string, ToolMatchPolicy>;
  defaultTool?: ToolMatchPolicy;
  /** Recorded values are handed to the agent, which may mutate them: copy them when the case runs again. */
  copyResults?: boolean;
  /** Answers model calls made through rehearse's seams (src/model-calls' ModelCallHandler). */
  models?: ModelCallResponder;
}

/** A model call as a seam hands it over: at least what the timeline event records. */
export interface ModelCallSeamCall {
  provider: string;
  model?: string;
  request: ModelCallEvent['request'];
}

/**
 * What answers a session's model calls: `ModelCallHandler` in src/model-calls, which sits above replay and
 * is handed in. The session keeps the timeline and the divergences; the responder decides the answers.
 */
export interface ModelCallResponder {
  handle(call: ModelCallSeamCall, invokeLive: () => Promise<unknown>, step: number): Promise<{ event: ModelCallEvent } | { miss: string }>;
  /** A clearer divergence message for a blocked connection to a model provider; undefined for other hosts. */
  blockedNetworkMessage?(target: string, step: number, duringLiveCall: boolean): string | undefined;
}

/**
 * One attempt's replay: answers the agent's tool calls from the recorded timeline, records the replayed
 * trajectory, and keeps the first divergence. It is the interceptor `recordable` tools talk to.
 */
export class ReplaySession implements ToolInterceptor {
  readonly timeline: TimelineEvent[] = [];
  divergence: Divergence | undefined;
  /** Every divergence, in order (the first one is `divergence`). */
  readonly divergences: Divergence[] = [];
  readonly #matcher: ToolMatcher;
  readonly #copy: boolean;
  readonly #models: ModelCallResponder | undefined;
  /** Live model calls in flight: a connection blocked meanwhile is theirs, not a client bypassing the seam. */
  #liveModelCalls = 0;
  /** Requests a seam saw but does not answer (an embeddings call, say), in flight: `POST /v1/embeddings`. */
  readonly #passingThrough: string[] = [];

  constructor(recorded: readonly TimelineEvent[], options: ReplaySessionOptions = {}) {
    this.#matcher = new ToolMatcher(recorded, options);
    this.#copy = options.copyResults ?? false;
    this.#models = options.models;
  }

  /**
   * Called by the model-call seams (`rehearse.fetch`, the AI SDK middleware): answers a model call per the
   * attempt's mode and adds it to the timeline. A call the mode cannot answer is an `unrecorded-model-call`
   * divergence, recorded at once, and rejects with a ReplayDivergenceError.
   */
  async callModel<A extends { event: ModelCallEvent }>(call: ModelCallSeamCall, invokeLive: () => Promise<unknown>): Promise<A> {
    // The slot is taken when the call starts, so overlapping calls keep their start order in the timeline.
    const pending: ModelCallEvent = { type: 'model', provider: call.provider, request: call.request, response: {} };
    if (call.model !== undefined) pending.model = call.model;
    const step = this.timeline.push(pending) - 1;
    let outcome;
    try {
      const live = async (): Promise<unknown> => {
        this.#liveModelCalls++;
        try {
          return await invokeLive();
        } finally {
          this.#liveModelCalls--;
        }
      };
      outcome = this.#models ? await this.#models.handle(call, live, step) : { miss: `model call #${step + 1} cannot be answered: this replay was started without a model-call handler` };
    } catch (error) {
      pending.response = { finishReason: 'error' };
      throw error;
    }
    if ('miss' in outcome) {
      pending.response = { finishReason: 'diverged' };
      const message = `step ${step}: ${outcome.miss}`;
      this.#diverge({ kind: 'unrecorded-model-call', step, message });
      throw new ReplayDivergenceError(message);
    }
    this.timeline[step] = outcome.event;
    return outcome as A;
  }

  async callTool(name: string, args: unknown, invoke: () => Promise<unknown>): Promise<unknown> {
    const outcome = this.#matcher.match(name, args);
    if (outcome.kind === 'live') return this.#callLive(name, args, invoke);
    if (outcome.kind === 'hit') return this.#answer(name, args, outcome.recorded);
    const event: ToolCallEvent = { type: 'tool', name, args: toJson(args), error: { name: 'ReplayDivergenceError', message: outcome.reason } };
    const step = this.timeline.push(event) - 1;
    const divergence: Divergence = {
      kind: 'unmatched-tool-call',
      step,
      message: `step ${step}: ${outcome.reason}`,
      tool: name,
      args: event.args,
    };
    if (outcome.nearest) divergence.nearest = await describeNearest(args, outcome.nearest);
    this.#diverge(divergence);
    throw new ReplayDivergenceError(divergence.message);
  }

  /**
   * Called by `rehearse.fetch` for a request it does not answer (not a model API rehearse records): it goes to
   * the network as it is, and a connection blocked meanwhile is explained as what it is, not as a client
   * that bypassed the seam.
   */
  async passThrough<T>(request: string, send: () => Promise<T>): Promise<T> {
    this.#passingThrough.push(request);
    try {
      return await send();
    } finally {
      this.#passingThrough.splice(this.#passingThrough.lastIndexOf(request), 1);
    }
  }

  /** Called by the network guard when the agent tries to reach a host that is not allowed. */
  blockNetwork(target: string): Error {
    const step = this.timeline.length;
    const unanswered = this.#liveModelCalls === 0 ? this.#passingThrough.at(-1) : undefined;
    const message =
      (unanswered !== undefined
        ? `step ${step}: ${unanswered} to ${target} went through rehearse.fetch, but it is not a model call rehearse records or replays ` +
          `(it answers chat completions, responses and messages), so it went to the network and was blocked: wrap the code that makes it ` +
          `in a recordable tool (recordable('search_docs', …)) so its result is recorded and replayed, or let the host through with "allowHosts" in the config`
        : undefined) ??
      this.#models?.blockedNetworkMessage?.(target, step, this.#liveModelCalls > 0) ??
      `step ${step}: network access to ${target} was blocked during replay (allow it with "allowHosts" in the config, or make the call a recordable tool)`;
    this.#diverge({ kind: 'blocked-network', step, message, target });
    return new ReplayDivergenceError(message);
  }

  #diverge(divergence: Divergence): void {
    this.divergences.push(divergence);
    this.divergence ??= divergence;
  }

  #answer(name: string, args: unknown, recorded: RecordedCall): unknown {
    const source = recorded.event;
    // Under `exact` the call's arguments equal the recorded ones (up to key order): reuse the recorded JSON
    // instead of copying the live object, which costs a serialization per call.
    const exact = this.#matcher.policyFor(name).match === 'exact';
    const event: ToolCallEvent = { type: 'tool', name, args: exact ? source.args : toJson(args) };
    if (source.callId !== undefined) event.callId = source.callId;
    if (source.error) {
      event.error = source.error;
      this.timeline.push(event);
      throw reviveRecordedError(source.error);
    }
    if ('result' in source) event.result = source.result as Json;
    this.timeline.push(event);
    const result = source.result;
    return this.#copy && result !== null && typeof result === 'object' ? structuredClone(result) : result;
  }

  async #callLive(name: string, args: unknown, invoke: () => Promise<unknown>): Promise<unknown> {
    const event: ToolCallEvent = { type: 'tool', name, args: toJson(args) };
    const step = this.timeline.push(event) - 1;
    const started = performance.now();
    try {
      const result = await invoke();
      event.result = toJson(result);
      return result;
    } catch (error) {
      event.error = toRecordedError(error);
      throw error;
    } finally {
      event.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      this.timeline[step] = event;
    }
  }
}

async function describeNearest(args: unknown, nearest: RecordedCall): Promise<NonNullable<Divergence['nearest']>> {
  // json-diff-ts is loaded only here: a divergence is the rare path, and the import costs start-up time.
  const { diff } = await import('json-diff-ts');
  const changes = diff(toObject(nearest.event.args), toObject(args));
  return { step: nearest.step, args: nearest.event.args, diff: toJson(changes) };
}

/** json-diff-ts compares objects; wrap scalars and arrays so every pair of arguments can be diffed. */
function toObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

/** Tool arguments and results are recorded as JSON; anything else (functions, cycles) is reduced to text. */
function toJson(value: unknown): Json {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? String(value) : (value as Json);
  }
  try {
    return JSON.parse(JSON.stringify(value)) as Json;
  } catch {
    return String(value);
  }
}
