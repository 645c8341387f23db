import type { EventContext } from './event.js';
import type { RestRequest } from './comment.js';
import type { ActionInputs } from './inputs.js';
import type { CommandRunner } from './run-suite.js';

/** What the Action does to the runner, so `main` holds no `@actions/*` import and tests can watch it. */
export interface ActionIO {
  info(message: string): void;
  warning(message: string): void;
  /** An annotation; with `file`, GitHub shows it on that file in the PR. */
  error(message: string, properties?: { file?: string; title?: string }): void;
  setOutput(name: string, value: string | number): void;
  /** Appends Markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
  setFailed(message: string): void;
}

/** What `main` is given: the environment, the runner's side effects, and the REST client factory. */
export interface MainDeps {
  env: Record<string, string | undefined>;
  io: ActionIO;
  /** REST client for a token and API root (the entry passes @actions/github's). */
  restRequest: (token: string, baseUrl: string) => RestRequest;
  runner?: CommandRunner;
}

/** Everything one invocation works with, resolved once by `main` and passed to each mode. */
export interface ActionContext {
  env: Record<string, string | undefined>;
  io: ActionIO;
  restRequest: MainDeps['restRequest'];
  runner: CommandRunner;
  inputs: ActionInputs;
  event: EventContext;
  /** `GITHUB_WORKSPACE` (absolute): annotation paths are relative to it. */
  workspace: string;
  /** The `working-directory` input, absolute: config, cases, baseline and results paths are relative to it. */
  workdir: string;
  /** Scratch folder (`RUNNER_TEMP/rehearse`), created. */
  tempDir: string;
  /** Lines for the job summary's closing notes (timings, what was skipped and why). */
  notes: string[];
}
