import type { AgentFn } from '../model/agent.js';
import type { ModelMode, ToolMatchPolicy } from '../model/case.js';
import type { AttemptResult, CaseResult } from '../model/result.js';
import { baseResult, type CaseIdentity } from './case-result.js';

import type { LoadedCase } from '../case/load-case.js';
import { replayAttempt } from '../replay/replay-attempt.js';
import { scoreAttempt } from '../score/index.js';
import { summarizeAttempts } from '../compare/summarize.js';
import { sumUsage } from './usage.js';
import type { ModelCallSettings } from '../model-calls/types.js';
import { ModelCallHandler } from '../model-calls/model-call-handler.js';
import type { JudgeEnvironment } from '../model-calls/judge-client.js';

export interface CaseRunSettings {
  /** Used when the case does not set `replay.timeoutMs`. */
  timeoutMs: number;
  /** Used when the case does not set `replay.repeat`; `forceRepeat` overrides both. */
  repeat: number;
  /** `--repeat N` from the command line: wins over the case's own setting. */
  forceRepeat?: number;
  tools?: Record<string, ToolMatchPolicy>;
  /** Model calls: the run's default mode (a case's `replay.model` wins unless `forceMode`), cache folder, prices. */
  model?: Partial<ModelCallSettings> & { forceMode?: ModelMode };
  /** Where `judge` assertions send their grading calls. */
  judge?: JudgeEnvironment;
}

/** Replays every attempt of one case and scores each; never throws (a broken attempt is `errored`). */
export async function runCase(loaded: LoadedCase, identity: CaseIdentity, agent: AgentFn, settings: CaseRunSettings): Promise<CaseResult> {
  const data = loaded.data;
  const repeat = settings.forceRepeat ?? data.replay?.repeat ?? settings.repeat;
  const timeoutMs = data.replay?.timeoutMs ?? settings.timeoutMs;
  const attempts: AttemptResult[] = [];
  const started = performance.now();
  for (let attempt = 1; attempt <= repeat; attempt++) {
    attempts.push(await runAttempt(loaded, identity.key, agent, attempt, timeoutMs, settings));
  }
  const { status, passes } = summarizeAttempts(attempts);
  const result = baseResult(identity, data);
  result.status = status;
  result.passes = passes;
  result.attempts = attempts;
  result.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return result;
}

async function runAttempt(
  loaded: LoadedCase,
  caseKey: string,
  agent: AgentFn,
  attempt: number,
  timeoutMs: number,
  settings: CaseRunSettings,
): Promise<AttemptResult> {
  const data = loaded.data;
  const { tools, model } = settings;
  // One handler per attempt: it keeps the attempt's matches, drift, cost and cache counts.
  const models = new ModelCallHandler(data.timeline, { ...model, mode: model?.forceMode ?? data.replay?.model ?? model?.mode ?? 'recorded' });
  const run = await replayAttempt({ agent, caseData: data, caseKey, attempt, timeoutMs, ...(tools && { tools }), models });
  const result: AttemptResult = { status: 'errored', durationMs: run.durationMs, score: 0, assertions: [], timeline: run.timeline };
  if (run.output !== undefined) result.output = run.output;
  if (run.error) result.error = run.error;
  if (run.divergence) result.divergence = run.divergence;
  const usage = sumUsage(run.timeline);
  if (usage) result.usage = usage;
  if (models.called) {
    const calls = models.summary();
    if (calls.costUsd !== undefined) result.costUsd = calls.costUsd;
    if (calls.cache) result.cache = calls.cache;
    if (calls.drift.length > 0) result.drift = calls.drift;
  }
  if (run.divergence) {
    result.status = 'diverged';
  } else if (!run.error || data.assertions.length > 0) {
    // A run that threw still gets its assertions when it has any: `no-error` and trajectory assertions
    // can judge a crash, and a case captured as "errored" may expect exactly that.
    const scored = await scoreAttempt(data.assertions, run, { caseData: data, caseFile: loaded.path, ...(settings.judge && { judge: settings.judge }) });
    result.assertions = scored.assertions;
    result.score = scored.score;
    result.status = run.error ? 'errored' : scored.pass ? 'passed' : 'failed';
  }
  return result;
}

