import type { SchemaIssue } from '../case/schema-issues.js';
import { judgeConfigIssues, priceTableIssues } from './validate-model-calls.js';

const KNOWN_KEYS = new Set([
  '$schema', 'agent', 'cases', 'concurrency', 'workers', 'timeoutMs', 'repeat', 'tools', 'allowHosts', 'model', 'out', 'baseline',
  'failOn', 'reporters', 'thresholds', 'significance', 'cacheDir', 'prices', 'judge',
]);
const TOOL_POLICIES = new Set(['exact', 'ignore', 'sequential', 'nearest', 'live']);

/**
 * Checks a config object by hand rather than with a compiled schema: it is small, read once, and this keeps
 * ajv's compiler off the start-up path. Every problem is returned with its JSON pointer.
 */
export function validateConfig(raw: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (pointer: string, message: string): void => void issues.push({ pointer, message });
  if (!isObject(raw)) return [{ pointer: '', message: 'the config must export an object (export default defineConfig({...}))' }];
  for (const key of Object.keys(raw)) if (!KNOWN_KEYS.has(key)) issue(`/${key}`, `unknown option "${key}"`);
  const agent = raw['agent'];
  if (!isObject(agent)) issue('/agent', 'required: { "module": "./path/to/agent.ts", "export": "name" }');
  else {
    if (typeof agent['module'] !== 'string' || agent['module'] === '') issue('/agent/module', 'must be the path of the agent module');
    if (agent['export'] !== undefined && typeof agent['export'] !== 'string') issue('/agent/export', 'must be the name of an exported function');
  }
  stringArray(raw['cases'], '/cases', issue);
  stringArray(raw['allowHosts'], '/allowHosts', issue);
  positiveInteger(raw['concurrency'], '/concurrency', issue);
  positiveInteger(raw['workers'], '/workers', issue);
  positiveInteger(raw['timeoutMs'], '/timeoutMs', issue);
  positiveInteger(raw['repeat'], '/repeat', issue);
  oneOf(raw['model'], '/model', ['live', 'cached', 'recorded'], issue);
  oneOf(raw['failOn'], '/failOn', ['regressed', 'failing', 'never'], issue);
  for (const found of [...priceTableIssues(raw['prices']), ...judgeConfigIssues(raw['judge'])]) issue(found.pointer, found.message);
  for (const key of ['out', 'baseline', 'cacheDir'] as const) if (raw[key] !== undefined && typeof raw[key] !== 'string') issue(`/${key}`, 'must be a path');
  const tools = raw['tools'];
  if (tools !== undefined) {
    if (!isObject(tools)) issue('/tools', 'must map tool names to policies like {"match": "exact"}');
    else
      for (const [name, policy] of Object.entries(tools)) {
        const at = `/tools/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (!isObject(policy) || !TOOL_POLICIES.has(String(policy['match']))) issue(`${at}/match`, `must be one of ${[...TOOL_POLICIES].join(', ')}`);
        else if (policy['match'] === 'ignore') stringArray(policy['ignore'] ?? null, `${at}/ignore`, issue);
      }
  }
  const reporters = raw['reporters'];
  if (reporters !== undefined) {
    if (!Array.isArray(reporters)) issue('/reporters', 'must be a list of reporter names, [name, options] pairs or module paths');
    else
      reporters.forEach((r, i) => {
        const ok = typeof r === 'string' || (Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && isObject(r[1]));
        if (!ok) issue(`/reporters/${i}`, 'must be a name, a module path, or [name, options]');
      });
  }
  const thresholds = raw['thresholds'];
  if (thresholds !== undefined) {
    if (!isObject(thresholds)) issue('/thresholds', 'must be { "pass": 0..1, "fail": 0..1 }');
    else for (const key of ['pass', 'fail']) unitInterval(thresholds[key], `/thresholds/${key}`, issue);
  }
  if (raw['significance'] !== undefined) {
    const s = raw['significance'];
    if (typeof s !== 'number' || !(s > 0 && s < 1)) issue('/significance', 'must be a number between 0 and 1 (exclusive), e.g. 0.05');
  }
  return issues;
}

type Report = (pointer: string, message: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function stringArray(value: unknown, pointer: string, issue: Report): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) issue(pointer, 'must be a list of strings');
}
function positiveInteger(value: unknown, pointer: string, issue: Report): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) issue(pointer, 'must be a whole number of at least 1');
}
function unitInterval(value: unknown, pointer: string, issue: Report): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || value < 0 || value > 1) issue(pointer, 'must be a number from 0 to 1');
}
function oneOf(value: unknown, pointer: string, allowed: string[], issue: Report): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) issue(pointer, `must be one of ${allowed.join(', ')}`);
}
