/**
 * The Action's entry (bundled to dist/action/index.js): wires @actions/core and @actions/github to `main`.
 * The only module besides octokit.ts that imports `@actions/*`.
 */
import * as core from '@actions/core';
import { main, type ActionIO } from './main.js';
import { restRequestFor } from './octokit.js';

const io: ActionIO = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  error: (message, properties) => core.error(message, properties),
  setOutput: (name, value) => core.setOutput(name, value),
  appendSummary: async (markdown) => {
    // Outside a runner (a local try-out) there is no summary file; core.summary would throw.
    if (!process.env['GITHUB_STEP_SUMMARY']) return core.info('GITHUB_STEP_SUMMARY is not set; the job summary is not written.');
    await core.summary.addRaw(markdown, true).write();
  },
  setFailed: (message) => core.setFailed(message),
};

try {
  await main({ env: process.env, io, restRequest: restRequestFor });
} catch (error) {
  core.setFailed(error instanceof Error ? error.message : String(error));
}
