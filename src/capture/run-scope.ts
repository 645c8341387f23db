import type { ModelCallEvent, TimelineEvent, ToolCallEvent } from '../model/case.js';
import type { JsonObject } from '../model/json.js';
import type { RunFailure } from '../model/run-artifact.js';
import { currentInterceptor, type ToolInterceptor } from '../replay/scope.js';
import { toJsonValue, toRecordedError } from './json-value.js';

/*
 * A brand on the interceptor rather than `instanceof`: the agent may load this module from the published
 * package while other code loads a bundled copy, and both must recognise a capture scope.
 */
const CAPTURE_SCOPE = Symbol.for('rehearse.capture-scope.v1');

/** Marks a timeline slot whose call had not settled when the run ended. */
const UNSETTLED_ERROR = {
  name: 'RehearseUnsettledCall',
  message: 'The call had not settled when the run ended (it was not awaited by the agent).',
};

/**
 * The part of one in-flight captured run that the agent's code touches: the interceptor that recordable
 * tools call, and the timeline they fill. Slots are taken when a call starts, so the timeline is in start
 * order even when calls overlap, and filled when it settles.
 */
export class CaptureScope implements ToolInterceptor {
  readonly [CAPTURE_SCOPE] = true;
  private readonly events: TimelineEvent[] = [];
  private readonly pending = new Set<TimelineEvent>();
  failure: RunFailure | undefined;
  metadata: JsonObject | undefined;
  private closed = false;
  private id: string | undefined;

  constructor(
    /** The caller's id for the run; a UUID is made when the id is first asked for (see `runId`). */
    runId: string | undefined,
    /** The enclosing capture scope: its run made these calls too, so it records them as well. */
    private readonly outer: CaptureScope | undefined,
  ) {
    this.id = runId;
  }

  /**
   * The run's id. Made on first use, which is usually when the finished run is written, after the caller
   * has its answer: a UUID costs microseconds that need not be spent on the agent's path.
   */
  get runId(): string {
    return (this.id ??= randomUUID());
  }

  async callTool(name: string, args: unknown, invoke: () => Promise<unknown>): Promise<unknown> {
    const outer = this.outer;
    const run = outer ? () => outer.callTool(name, args, invoke) : invoke;
    if (this.closed) return run();
    // Snapshot before the call: a tool may mutate its arguments.
    const event: ToolCallEvent = { type: 'tool', name, args: toJsonValue(args), startedAt: isoTimestamp() };
    const settle = this.begin(event);
    try {
      const result = await run();
      settle((e) => (e.result = toJsonValue(result)));
      return result;
    } catch (error) {
      settle((e) => (e.error = toRecordedError(error)));
      throw error;
    }
  }

  /**
   * Takes the next timeline slot for a call that has started (so overlapping calls stay in start order) and
   * returns the function that completes it; `durationMs` is measured from here.
   */
  begin<E extends TimelineEvent>(event: E): (complete: (event: E) => void) => void {
    if (this.closed) return () => {};
    const t0 = performance.now();
    this.events.push(event);
    this.pending.add(event);
    return (complete) => {
      if (this.closed || !this.pending.delete(event)) return;
      complete(event);
      event.durationMs = roundMs(performance.now() - t0);
    };
  }

  /** Appends a finished model call recorded by hand. */
  addModelCall(event: ModelCallEvent): void {
    if (!this.closed) this.events.push(toJsonValue(event) as unknown as ModelCallEvent);
  }

  /** Appends a finished tool call recorded by hand (a tool that does not go through `recordable`). */
  addToolCall(event: ToolCallEvent): void {
    if (!this.closed) this.events.push(toJsonValue(event) as unknown as ToolCallEvent);
  }

  /** Marks the run as answered wrongly; `atStep` defaults to the last step so far. */
  markFailed(summary: string, atStep?: number): void {
    const step = atStep ?? (this.events.length > 0 ? this.events.length - 1 : undefined);
    this.failure = step === undefined ? { summary } : { summary, atStep: step };
  }

  /** Adds metadata to the run (later keys win). */
  annotate(metadata: JsonObject): void {
    this.metadata = { ...this.metadata, ...(toJsonValue(metadata) as JsonObject) };
  }

  /** Ends recording and returns the timeline; calls still running are marked as unsettled. */
  close(): TimelineEvent[] {
    this.closed = true;
    for (const event of this.pending) {
      if (event.type === 'tool') event.error = { ...UNSETTLED_ERROR };
      else event.response = { finishReason: 'unsettled' };
    }
    this.pending.clear();
    return this.events;
  }
}

/** True for the interceptor of a capture (as opposed to a replay's). */
export function isCaptureScope(interceptor: ToolInterceptor | undefined): interceptor is CaptureScope {
  return interceptor !== undefined && (interceptor as unknown as Record<symbol, unknown>)[CAPTURE_SCOPE] === true;
}

/** The capture scope the calling code runs in, if any. */
export function currentCaptureScope(): CaptureScope | undefined {
  const interceptor = currentInterceptor();
  return isCaptureScope(interceptor) ? interceptor : undefined;
}

/**
 * `node:crypto`'s `randomUUID`, loaded on first use rather than imported: this module is part of the library
 * an agent imports, and under `rehearse run` that import happens in the case worker, where loading
 * `node:crypto` costs ~7 ms of every run's start-up although replay never captures. Kept once loaded:
 * looking a built-in module up again costs about a microsecond per run.
 */
let uuid: (() => string) | undefined;
function randomUUID(): string {
  uuid ??= (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).randomUUID;
  return uuid();
}

/*
 * `new Date().toISOString()` costs about a microsecond and capture stamps every event; runs start many times
 * per second, so the text up to the seconds is kept and only the milliseconds are written.
 */
let isoSecond = Number.NaN;
let isoPrefix = '';

/** `Date.prototype.toISOString` of `ms` (epoch milliseconds; a fraction is dropped, as `new Date` does). */
export function isoTimestamp(ms: number = Date.now()): string {
  const whole = Math.trunc(ms);
  const second = Math.floor(whole / 1000);
  if (second !== isoSecond) {
    const full = new Date(whole).toISOString();
    isoSecond = second;
    isoPrefix = full.slice(0, -4); // up to and including the `.` before the milliseconds
    return full;
  }
  const millis = whole - second * 1000;
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
