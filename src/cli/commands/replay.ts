import { relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { AgentFn } from '../../model/agent.js';
import type { Json } from '../../model/json.js';
import type { TimelineEvent } from '../../model/case.js';
import { deepEqual } from '../../score/index.js';
import type { CaseResult, RunResults, TrajectoryStep } from '../../model/result.js';
import { RESULTS_FORMAT, RESULTS_VERSION } from '../../model/result.js';
import type { CliAssets, CliIo } from '../main.js';
import { UsageError } from '../usage-error.js';
import { ConfigError, loadConfig } from '../../config/load-config.js';
import { ImportError, loadRun } from '../../import/index.js';
import { caseFromRun } from '../../promote/replay-case.js';
import { installNetworkGuard } from '../../replay/network-guard.js';
import { runCase } from '../../run/run-case.js';
import { needsTypeScript, registerTypeScriptLoader } from '../../run/typescript-loader.js';
import { compareRuns } from '../../compare/compare.js';
import { firstDeparture, replayedTrajectory, type TrajectoryDeparture } from '../../report/trajectory.js';

const USAGE = 'usage: rehearse replay <run-or-trace-file> [--run-id ID | --trace-id ID] [--config FILE]';

/**
 * `rehearse replay`: re-runs one captured run or trace against the current agent (configured as for
 * `rehearse run`), tools answered from the recording, without writing a case. Prints where the new tool
 * trajectory departs from the recorded one and the verdict against the captured outcome: the in-memory case
 * asserts only `no-error`, and a run that repeats the recording exactly is still failing when it was.
 * Exit codes: 0 the replay ran to the end, 1 it errored or diverged, 2 usage, config or input problem.
 */
export async function run(argv: string[], io: CliIo, assets: CliAssets): Promise<number> {
  const { values, positionals } = parseOrThrow(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'run-id': { type: 'string' },
        'trace-id': { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`replay takes one run or trace file\n${USAGE}`);
  let imported;
  try {
    imported = await loadRun(resolve(io.cwd, file), {
      ...(values['run-id'] !== undefined && { runId: values['run-id'] }),
      ...(values['trace-id'] !== undefined && { traceId: values['trace-id'] }),
    });
  } catch (error) {
    if (error instanceof ImportError) {
      io.stderr.write(`rehearse: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const loaded = await loadConfig(io.cwd, values.config, () => registerTypeScriptLoader(io.cwd, assets.tsHooksUrl));
  const { config } = loaded;
  const agent = await loadAgent(loaded.agentModule, config.agent.export ?? 'default', io.cwd, assets);
  // The same guard the worker installs: a replay must not reach the network the recording stands in for.
  installNetworkGuard({ allowHosts: config.allowHosts ?? [] });

  const caseData = caseFromRun(imported);
  const from = imported.source.runId ? `run ${imported.source.runId}` : `trace ${imported.source.traceId}`;
  const agentName = `${relative(io.cwd, loaded.agentModule).split(sep).join('/')}#${config.agent.export ?? 'default'}`;
  io.stdout.write(`Replaying ${from} (${imported.source.kind}, captured ${caseData.outcome.status}) against ${agentName}\n`);

  const result = await runCase({ ok: true, path: resolve(io.cwd, file), data: caseData }, { suite: 'replay', key: 'replay/replay', file }, agent, {
    timeoutMs: caseData.replay?.timeoutMs ?? config.timeoutMs ?? 30_000,
    repeat: 1,
    forceRepeat: 1,
    ...(config.tools && { tools: config.tools }),
  });
  const compared = compareRuns(resultsOf(result), undefined).cases[0];
  let verdict = compared?.verdict ?? 'errored';
  let reason = compared?.reason ?? '';
  // The in-memory case only asserts no-error, which cannot see a wrong answer. An agent that repeats the
  // recording call for call, answer for answer, repeats its failure too.
  if (caseData.outcome.status !== 'ok' && repeatsRecording(result, caseData.outcome.output)) {
    verdict = 'still-failing';
    reason = 'the agent made the recorded calls and gave the recorded answer again';
  }
  io.stdout.write(renderReplay(result, caseData.timeline, verdict, reason));
  return result.status === 'errored' || result.status === 'diverged' ? 1 : 0;
}

async function loadAgent(module: string, exportName: string, cwd: string, assets: CliAssets): Promise<AgentFn> {
  if (needsTypeScript(module)) registerTypeScriptLoader(cwd, assets.tsHooksUrl);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`cannot load the agent ${module}: ${(error as Error).message}`, { cause: error });
  }
  const fn = loaded[exportName];
  if (typeof fn !== 'function') {
    const exported = Object.keys(loaded).filter((k) => typeof loaded[k] === 'function');
    throw new ConfigError(`${module}#${exportName} is not an exported function; the module exports ${exported.join(', ') || 'no functions'}. Set "agent.export" in the config.`);
  }
  return fn as AgentFn;
}

function repeatsRecording(result: CaseResult, recordedOutput: Json | undefined): boolean {
  const attempt = result.attempts[0];
  if (!attempt || attempt.error || attempt.divergence || result.status === 'errored') return false;
  if (firstDeparture(result.recordedTrajectory ?? [], replayedTrajectory(attempt))) return false;
  return recordedOutput === undefined ? attempt.output === undefined : attempt.output !== undefined && deepEqual(attempt.output, recordedOutput);
}

function resultsOf(result: CaseResult): RunResults {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    runId: 'replay',
    startedAt: new Date().toISOString(),
    durationMs: result.durationMs,
    repeat: 1,
    cases: [result],
    totals: {
      cases: 1,
      passed: result.status === 'passed' ? 1 : 0,
      failed: result.status === 'failed' ? 1 : 0,
      diverged: result.status === 'diverged' ? 1 : 0,
      errored: result.status === 'errored' ? 1 : 0,
    },
  };
}

/** The report: both trajectories, where they part, the new output or error, and the verdict. Pure. */
export function renderReplay(result: CaseResult, recordedTimeline: readonly TimelineEvent[], verdict: string, reason: string): string {
  const attempt = result.attempts[0];
  const recorded = result.recordedTrajectory ?? [];
  const replayed = attempt ? replayedTrajectory(attempt) : [];
  const lines = [`Recorded: ${trajectoryLine(recorded)}`, `Replayed: ${trajectoryLine(replayed)}`];
  const departure = firstDeparture(recorded, replayed);
  lines.push(departure ? describeDeparture(departure, recordedTimeline, attempt?.timeline ?? []) : 'Same tool calls as the recording.');
  if (attempt?.divergence) lines.push(`Diverged: ${attempt.divergence.message}`);
  if (attempt?.error) lines.push(`Error: ${attempt.error.message}`);
  else if (attempt?.output !== undefined) lines.push(`Output: ${truncate(JSON.stringify(attempt.output), 300)}`);
  lines.push(`Verdict: ${verdict}${reason ? ` (${reason})` : ''}`);
  return `${lines.join('\n')}\n`;
}

function describeDeparture(d: TrajectoryDeparture, recordedTimeline: readonly TimelineEvent[], replayedTimeline: readonly TimelineEvent[]): string {
  const n = d.step + 1;
  const at = (timeline: readonly TimelineEvent[], label: string): string => {
    const step = timelineStepOfToolCall(timeline, d.step);
    return step === undefined ? '' : `${label} step ${step}`;
  };
  const steps = [at(recordedTimeline, 'recorded'), at(replayedTimeline, 'replayed')].filter(Boolean).join(', ');
  const where = `Departs at tool call ${n}${steps ? ` (${steps})` : ''}`;
  switch (d.kind) {
    case 'missing':
      return `${where}: recorded ${call(d.recorded)}; the replay made no call ${n} (it stopped earlier)`;
    case 'extra':
      return `${where}: the recording ends there; the replay went on with ${call(d.replayed)}`;
    default:
      return `${where}: recorded ${call(d.recorded)}; replayed ${call(d.replayed)}`;
  }
}

/** Index in the timeline (model and tool calls) of the n-th tool call (0-based), as cases count steps. */
function timelineStepOfToolCall(timeline: readonly TimelineEvent[], nth: number): number | undefined {
  let seen = -1;
  for (let i = 0; i < timeline.length; i++) if (timeline[i]!.type === 'tool' && ++seen === nth) return i;
  return undefined;
}

function trajectoryLine(steps: TrajectoryStep[]): string {
  return steps.length === 0 ? '(no tool calls)' : steps.map(call).join(' → ');
}

function call(step: TrajectoryStep | undefined): string {
  if (!step) return '(none)';
  return `${step.tool} ${truncate(JSON.stringify(step.args), 120)}${step.failed ? ' ✗' : ''}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** parseArgs throws TypeErrors for unknown or malformed flags: those are usage errors (exit 2). */
function parseOrThrow<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}
