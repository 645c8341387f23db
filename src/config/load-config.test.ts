import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { validateConfig } from './validate-config.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearse-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const noTypeScript = (): void => {
  throw new Error('a JSON or JS config must not register the TypeScript loader');
};

describe('loadConfig', () => {
  test('finds rehearse.config.json and resolves the agent module from the config folder', async () => {
    const root = project('json', { 'rehearse.config.json': '{ "agent": { "module": "./src/agent.mjs", "export": "run" } }', 'src/agent.mjs': 'export const run = () => 1;' });
    const loaded = await loadConfig(root, undefined, noTypeScript);
    expect(loaded).toEqual({ config: { agent: { module: './src/agent.mjs', export: 'run' } }, path: join(root, 'rehearse.config.json'), dir: root, agentModule: join(root, 'src/agent.mjs') });
  });

  test('prefers a JS config and reads its default export; --config wins over discovery', async () => {
    const root = project('js', {
      'rehearse.config.mjs': 'export default { agent: { module: "./a.mjs" }, timeoutMs: 500 };',
      'rehearse.config.json': '{ "agent": { "module": "./b.mjs" } }',
      'nested/other.json': '{ "agent": { "module": "../b.mjs" } }',
      'a.mjs': '',
      'b.mjs': '',
    });
    expect((await loadConfig(root, undefined, noTypeScript)).config).toEqual({ agent: { module: './a.mjs' }, timeoutMs: 500 });
    const explicit = await loadConfig(root, 'nested/other.json', noTypeScript);
    expect(explicit.agentModule).toBe(join(root, 'b.mjs'));
    expect(explicit.dir).toBe(join(root, 'nested'));
  });

  test('a TypeScript config asks for the TypeScript loader before importing it', async () => {
    const root = project('ts', { 'rehearse.config.ts': 'export default { agent: { module: "./a.mjs" } };', 'a.mjs': '' });
    let registered = 0;
    // Node 20 cannot import .ts without hooks, so the import fails here, but only after registering was asked for.
    await loadConfig(root, undefined, () => void registered++).catch(() => undefined);
    expect(registered).toBe(1);
  });

  test.each([
    ['no config at all', {}, undefined, /^no config found in .*: create rehearse\.config\.json/],
    ['--config that does not exist', {}, 'nope.json', /^config file nope\.json does not exist$/],
    ['malformed JSON', { 'rehearse.config.json': '{ "agent": ' }, undefined, /^cannot load config .*rehearse\.config\.json: /],
    ['a problem named by pointer', { 'rehearse.config.json': '{ "agent": { "module": "./a.mjs" }, "repeat": 0 }', 'a.mjs': '' }, undefined, /invalid config .*\n {2}\/repeat: must be a whole number of at least 1$/],
    ['a missing agent module', { 'rehearse.config.json': '{ "agent": { "module": "./gone.ts" } }' }, undefined, /rehearse\.config\.json#\/agent\/module: agent module \.\/gone\.ts not found/],
  ])('%s is a ConfigError', async (name, files, explicit, message) => {
    const root = project(`bad-${name.replace(/\W+/g, '-')}`, files as Record<string, string>);
    const error = await loadConfig(root, explicit, noTypeScript).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toMatch(message);
  });
});

describe('validateConfig', () => {
  test('accepts a config with every option', () => {
    expect(
      validateConfig({
        $schema: './x.json',
        agent: { module: './agent.ts', export: 'run' },
        cases: ['suites/**/*.case.json'],
        concurrency: 4,
        timeoutMs: 1000,
        repeat: 3,
        tools: { clock: { match: 'live' }, book: { match: 'ignore', ignore: ['/at'] } },
        allowHosts: ['*.example.com'],
        model: 'recorded',
        out: 'r.json',
        baseline: 'b.json',
        failOn: 'failing',
        reporters: ['terminal', ['junit', { out: 'j.xml' }]],
        thresholds: { pass: 0.9, fail: 0.5 },
        significance: 0.05,
      }),
    ).toEqual([]);
  });

  test('names each problem by JSON pointer', () => {
    expect(
      validateConfig({
        agent: { module: '', export: 3 },
        cases: 'suites',
        allowHosts: [1],
        concurrency: 1.5,
        model: 'psychic',
        failOn: 'always',
        out: 1,
        tools: { 'a/b': { match: 'ignore', ignore: 'x' }, c: 'exact' },
        reporters: [['junit']],
        thresholds: { pass: 2 },
        significance: 1,
        extra: true,
      }).map((i) => i.pointer),
    ).toEqual([
      '/extra',
      '/agent/module',
      '/agent/export',
      '/cases',
      '/allowHosts',
      '/concurrency',
      '/model',
      '/failOn',
      '/out',
      '/tools/a~1b/ignore',
      '/tools/c/match',
      '/reporters/0',
      '/thresholds/pass',
      '/significance',
    ]);
  });

  test('a config that is not an object, or has no agent', () => {
    expect(validateConfig([])).toEqual([{ pointer: '', message: 'the config must export an object (export default defineConfig({...}))' }]);
    expect(validateConfig({}).map((i) => i.pointer)).toEqual(['/agent']);
  });
});
