import type { RecordedError } from '../model/case.js';

/**
 * Thrown into the agent when a call cannot be answered from the recording. The agent may catch it, but
 * the attempt is already marked diverged: a replay that cannot answer a call is not a faithful replay.
 */
export class ReplayDivergenceError extends Error {
  override name = 'ReplayDivergenceError';
  readonly code = 'REHEARSE_DIVERGED';
}

/** Rebuilds the error a tool threw when it was recorded, so the agent's error handling sees the same thing. */
export function reviveRecordedError(recorded: RecordedError): Error {
  const error = new Error(recorded.message);
  if (recorded.name) {
    // Keep `instanceof Error` but restore the visible name (TypeError, HttpError, …).
    Object.defineProperty(error, 'name', { value: recorded.name, configurable: true, writable: true });
  }
  if (recorded.code !== undefined) (error as Error & { code?: string }).code = recorded.code;
  return error;
}

/** The parts of a thrown value worth recording. */
export function toRecordedError(thrown: unknown): RecordedError {
  if (thrown instanceof Error) {
    const out: RecordedError = { message: thrown.message, name: thrown.name };
    const code = (thrown as Error & { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (thrown.stack) out.stack = thrown.stack;
    return out;
  }
  return { message: typeof thrown === 'string' ? thrown : safeString(thrown), name: 'NonError' };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
