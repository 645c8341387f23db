import { errored, failed, passed, type AssertionDefinition, type AssertionOutcome } from './types.js';

const DEFAULT_THRESHOLD = 0.5;

/**
 * `judge`: a model grades the output against a rubric and gives a score in 0..1 and a reason; the
 * assertion passes when the score reaches `threshold`. The model is the config's `judge` (any
 * OpenAI-compatible endpoint, or Anthropic), called through rehearse's response cache so an unchanged case
 * is graded once. Without a judge or a key it never passes: the result carries `error: "skipped: …"`.
 */
export const judgeAssertion: AssertionDefinition<'judge'> = {
  type: 'judge',
  describe: (spec) => `judge: ${truncate(spec.rubric, 60)}`,
  async evaluate(spec, run, context): Promise<AssertionOutcome> {
    if (typeof spec.rubric !== 'string' || spec.rubric.trim() === '') return errored('the judge assertion needs a "rubric": what a good output does');
    const threshold = spec.threshold ?? DEFAULT_THRESHOLD;
    if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) return errored(`threshold must be a number from 0 to 1; got ${JSON.stringify(spec.threshold)}`);
    const judge = context.judge;
    if (!judge) {
      return errored('skipped: no judge configured (add judge: { provider, model } to the config)', 'not graded: the config has no "judge" model');
    }
    // Loaded on first use: most runs have no judge assertion, and this keeps the HTTP seam off start-up.
    const { gradeWithJudge } = await import('../model-calls/judge-client.js');
    const verdict = await gradeWithJudge(judge, {
      rubric: spec.rubric,
      output: asText(run.output),
      input: asText(context.caseData.input),
      ...(spec.model !== undefined && { model: spec.model }),
    });
    if (verdict.kind === 'skipped') return errored(verdict.reason, `not graded: ${verdict.reason}`);
    if (verdict.kind === 'failed') return errored(verdict.reason);
    const evidence = { score: verdict.score, threshold, reason: verdict.reason, model: verdict.model, cached: verdict.cached, ...(verdict.costUsd !== undefined && { costUsd: verdict.costUsd }) };
    const message = `the judge (${verdict.model}) scored ${verdict.score.toFixed(2)} (threshold ${threshold}): ${verdict.reason}`;
    return verdict.score >= threshold ? { ...passed(message, evidence), score: verdict.score } : failed(message, evidence, verdict.score);
  },
};

function asText(value: unknown): string {
  if (value === undefined) return '(no output)';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

function truncate(text: string, max: number): string {
  const t = String(text ?? '');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
