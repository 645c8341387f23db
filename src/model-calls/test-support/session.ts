import type { TimelineEvent } from '../../model/case.js';
import { ReplaySession } from '../../replay/replay-session.js';
import { ModelCallHandler } from '../model-call-handler.js';
import type { ModelCallSettings } from '../types.js';

/** A replay session whose model calls are answered by a handler the test can read (`session.models`). */
export function sessionWith(timeline: TimelineEvent[], settings: ModelCallSettings = { mode: 'recorded' }): ReplaySession & { models: ModelCallHandler } {
  const models = new ModelCallHandler(timeline, settings);
  return Object.assign(new ReplaySession(timeline, { models }), { models });
}
