import type { Json } from '../model/json.js';
import type { ReplayedRun } from '../model/run.js';
import { loadCustomModule, resolveCustomModule, type LoadedModule } from './custom-module.js';
import { formatJsonShort, isJsonObject } from './json-value.js';
import { errored, isPromiseLike, type AssertionContext, type AssertionDefinition, type AssertionOutcome, type SpecOf } from './types.js';

/** What a custom check may return (or resolve to). */
export type CustomVerdict = boolean | { pass: boolean; score?: number; message?: string; evidence?: Json };

/** The signature of a custom check: the module's export named by the spec (default: `default`). */
export type CustomAssertionFn = (run: ReplayedRun, caseData: AssertionContext['caseData'], options: Json | undefined) => CustomVerdict | Promise<CustomVerdict>;

const EXPECTED_SHAPE = 'return a boolean or { pass: boolean, score?: 0..1, message?: string, evidence?: JSON }';

/** `./checks/refund.mjs#checkRefund`: how a custom check is named in labels and errors. */
function label(spec: SpecOf<'custom'>): string {
  return `${spec.module}${spec.export && spec.export !== 'default' ? `#${spec.export}` : ''}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    return formatJsonShort(value, 80);
  } catch {
    return typeof value;
  }
}

/** Checks a custom check's answer and turns it into an outcome; anything malformed becomes an error. */
export function verdictToOutcome(verdict: unknown, name: string): AssertionOutcome {
  if (typeof verdict === 'boolean') {
    return { pass: verdict, score: verdict ? 1 : 0, message: `custom check ${name} ${verdict ? 'passed' : 'failed'}` };
  }
  if (!isJsonObject(verdict) || typeof verdict.pass !== 'boolean') {
    return errored(`custom check ${name} returned ${describeValue(verdict)}; ${EXPECTED_SHAPE}`);
  }
  const { pass, score, message, evidence } = verdict as { pass: boolean; score?: unknown; message?: unknown; evidence?: unknown };
  if (score !== undefined && (typeof score !== 'number' || !(score >= 0 && score <= 1))) {
    return errored(`custom check ${name} returned score ${describeValue(score)}; a score must be a number from 0 to 1`);
  }
  if (message !== undefined && typeof message !== 'string') {
    return errored(`custom check ${name} returned a ${typeof message} message; ${EXPECTED_SHAPE}`);
  }
  const outcome: AssertionOutcome = {
    pass,
    score: typeof score === 'number' ? score : pass ? 1 : 0,
    message: message ?? `custom check ${name} ${pass ? 'passed' : 'failed'}`,
  };
  if (evidence !== undefined) {
    try {
      // Evidence is written to the results file: it must be JSON (no cycles, no BigInt).
      outcome.evidence = JSON.parse(JSON.stringify(evidence) ?? 'null') as Json;
    } catch (error) {
      return errored(`custom check ${name} returned evidence that is not JSON: ${(error as Error).message}`);
    }
  }
  return outcome;
}

function threw(name: string, error: unknown): AssertionOutcome {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return errored(`custom check ${name} threw ${detail}`);
}

function callCheck(module: LoadedModule, spec: SpecOf<'custom'>, run: ReplayedRun, context: AssertionContext): AssertionOutcome | Promise<AssertionOutcome> {
  const name = label(spec);
  if (!module.ok) return errored(module.error);
  const exportName = spec.export ?? 'default';
  const fn = module.namespace[exportName];
  if (typeof fn !== 'function') {
    const exported = Object.keys(module.namespace).sort().join(', ') || 'nothing';
    return errored(`custom check ${name}: export "${exportName}" is ${fn === undefined ? 'missing' : `not a function (${typeof fn})`}; the module exports ${exported}`);
  }
  let result: unknown;
  try {
    result = (fn as CustomAssertionFn)(run, context.caseData, spec.options);
  } catch (error) {
    return threw(name, error);
  }
  if (!isPromiseLike(result)) return verdictToOutcome(result, name);
  return Promise.resolve(result).then(
    (verdict) => verdictToOutcome(verdict, name),
    (error: unknown) => threw(name, error),
  );
}

/**
 * `custom`: a check written by the user. `module` is a JS/TS file (relative to the case file's directory, or
 * absolute) whose export `export` (default `default`) is called as `(run, caseData, options)` and returns,
 * or resolves to, a boolean or `{ pass, score?, message?, evidence? }`. A module that cannot be loaded, a
 * check that throws, and an answer of the wrong shape all give an assertion error, never a crash.
 */
export const customAssertion: AssertionDefinition<'custom'> = {
  type: 'custom',
  describe: (spec) => `custom ${label(spec)}`,
  evaluate(spec, run, context) {
    if (typeof spec.module !== 'string' || spec.module === '') return errored('custom needs `module`: the path of a JS/TS file');
    const loaded = loadCustomModule(resolveCustomModule(spec.module, context.caseFile));
    if (!isPromiseLike(loaded)) return callCheck(loaded, spec, run, context);
    return loaded.then((module) => callCheck(module, spec, run, context));
  },
};
