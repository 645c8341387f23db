import type { Json } from '../model/json.js';
import { failed, passed, type AssertionDefinition } from './types.js';

/**
 * `no-error`: the agent finished without throwing or timing out, and the replay never diverged from the
 * recording. The evidence of a failure is the error and/or the divergence.
 */
export const noErrorAssertion: AssertionDefinition<'no-error'> = {
  type: 'no-error',
  describe: () => 'run completes without error',
  evaluate(_spec, run) {
    const { error, divergence } = run;
    if (!error && !divergence) return passed('the run completed without error');
    const problems: string[] = [];
    if (error) problems.push(`the agent failed (${error.code}): ${error.message}`);
    if (divergence) problems.push(`the replay diverged at step ${divergence.step} (${divergence.kind}): ${divergence.message}`);
    const evidence: { [key: string]: Json } = {};
    if (error) evidence.error = { code: error.code, message: error.message, ...(error.name ? { name: error.name } : {}) };
    if (divergence) evidence.divergence = JSON.parse(JSON.stringify(divergence)) as Json;
    return failed(`expected no error; ${problems.join('; ')}`, evidence);
  },
};
