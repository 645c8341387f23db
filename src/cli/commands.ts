import type { CliAssets, CliIo } from './main.js';

/**
 * Commands beyond run/compare/report, each in its own module under `commands/`, loaded only when called so
 * they add nothing to the start-up of `rehearse run`. A command parses its own arguments (throwing
 * `UsageError` for exit code 2) and returns its exit code.
 */
export type CommandModule = { run(argv: string[], io: CliIo, assets: CliAssets): Promise<number> };

export const EXTRA_COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  merge: { summary: 'join the results files of a sharded run (rehearse run --shard i/n) into one', load: () => import('./commands/merge.js') },
  promote: { summary: 'write a captured run or trace as a case: suites/NAME/ID.case.json', load: () => import('./commands/promote.js') },
  replay: { summary: 're-run one captured run or trace against the current agent and show where it departs', load: () => import('./commands/replay.js') },
  cache: { summary: 'prune the model response cache: cache prune [--older-than 30d]', load: () => import('./commands/cache.js') },
  import: { summary: 'convert the traces in an OTLP/JSON export (GenAI, AI SDK, OpenInference) into run files', load: () => import('./commands/import.js') },
};
