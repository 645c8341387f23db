import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUT_DEFAULTS, INPUT_NAMES } from '../../src/action/inputs.js';
import { ACTION_OUTPUTS } from '../../src/action/main.js';
import { REHEARSE_ROOT } from './fixture-repo.js';

interface ActionYml {
  name: string;
  description: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const actionYml = parse(readFileSync(join(REHEARSE_ROOT, 'action.yml'), 'utf8')) as ActionYml;
const docs = readFileSync(join(REHEARSE_ROOT, 'README.md'), 'utf8');

/** The text between `<!-- name:start -->` and `<!-- name:end -->` in README.md. */
function section(name: string): string {
  const match = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)<!-- ${name}:end -->`).exec(docs);
  if (!match) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> section`);
  return match[1]!;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').trim();

describe('action.yml', () => {
  it('has a name, description, branding, and a node24 entry that exists', () => {
    expect(actionYml.name).toBe('rehearse');
    expect(actionYml.description.length).toBeGreaterThan(20);
    expect(actionYml.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/action/index.js' });
    expect(existsSync(join(REHEARSE_ROOT, actionYml.runs.main))).toBe(true);
  });

  it('declares exactly the inputs the code reads, with the same defaults', () => {
    expect(Object.keys(actionYml.inputs)).toEqual(INPUT_NAMES);
    for (const name of INPUT_NAMES) {
      const declared = actionYml.inputs[name]!;
      expect(declared.description, name).toBeTruthy();
      expect(declared.default, name).toBe(name === 'github-token' ? '${{ github.token }}' : INPUT_DEFAULTS[name]);
    }
  });

  it('declares exactly the outputs the code sets, each described', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual([...ACTION_OUTPUTS].sort());
    for (const [name, output] of Object.entries(actionYml.outputs)) expect(output.description, name).toBeTruthy();
  });
});

describe('README.md', () => {
  it('has an inputs table matching action.yml', () => {
    const expected = [
      '| input | default | description |',
      '|---|---|---|',
      ...Object.entries(actionYml.inputs).map(([name, input]) => `| \`${name}\` | \`${input.default === '' ? "''" : input.default}\` | ${cell(input.description)} |`),
    ].join('\n');
    expect(section('action-inputs').trim()).toBe(expected);
  });

  it('has an outputs table matching action.yml', () => {
    const expected = [
      '| output | description |',
      '|---|---|',
      ...Object.entries(actionYml.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
    ].join('\n');
    expect(section('action-outputs').trim()).toBe(expected);
  });

  it('shows the permissions and warns against pull_request_target', () => {
    expect(docs).toContain('pull-requests: write');
    expect(docs).toContain('workflow_run');
    expect(docs).toMatch(/Never use `pull_request_target` to run the PR's code/);
  });
});

describe('README.md sharded workflow', () => {
  const start = docs.indexOf('### Sharded: a matrix of shards, one comment');
  const block = /```yaml\n([\s\S]*?)```/.exec(docs.slice(start))?.[1];
  type Step = { uses?: string; with?: Record<string, unknown> };
  type Job = { permissions?: Record<string, string>; steps: Step[]; needs?: string; strategy?: { matrix: { shard: number[] } } };
  const workflow = parse(block ?? '') as { permissions: unknown; jobs: Record<string, Job> };

  it('is valid YAML whose rehearse steps use only declared inputs', () => {
    expect(start).toBeGreaterThan(0);
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps).filter((s) => s.uses?.endsWith('/rehearse@v1'));
    expect(steps).toHaveLength(2);
    for (const step of steps) for (const name of Object.keys(step.with ?? {})) expect(INPUT_NAMES, name).toContain(name);
  });

  it('runs the shards in a matrix, uploads their results, and reports once with the only write permission', () => {
    const shards = workflow.jobs['shards']!;
    const report = workflow.jobs['report']!;
    expect(shards.strategy?.matrix.shard).toEqual([1, 2, 3, 4]);
    expect(shards.steps.find((s) => s.uses?.endsWith('/rehearse@v1'))?.with).toMatchObject({ mode: 'run', shard: '${{ matrix.shard }}/4' });
    expect(shards.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with).toMatchObject({ path: 'rehearse-results/' });
    expect(shards.permissions).toEqual({ contents: 'read' });
    expect(report.needs).toBe('shards');
    expect(report.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))?.with).toMatchObject({ 'merge-multiple': true, path: 'rehearse-results/' });
    expect(report.steps.find((s) => s.uses?.endsWith('/rehearse@v1'))?.with).toMatchObject({ mode: 'report', results: 'rehearse-results/' });
    expect(report.permissions).toEqual({ 'pull-requests': 'write' });
    expect(docs.slice(start)).toContain('[docs/sharding.md](docs/sharding.md)');
  });
});
