import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Reporter } from '../model/index.js';
import { realisticComparison } from './comparison-fixture.js';
import { resolveReporters } from './resolve.js';
import { BUILTIN_REPORTERS } from './builtins.js';

describe('resolveReporters', () => {
  test('built-in names and [name, options] tuples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-resolve-'));
    const resolved = await resolveReporters(['terminal', ['junit', { outputFile: 'j.xml' }], ['json', { outputFile: 'r.json' }]], { cwd: dir });
    expect(resolved.map((r) => r.name)).toEqual(['terminal', 'junit', 'json']);
    const comparison = realisticComparison();
    await resolved[1]!.reporter.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await resolved[1]!.reporter.onRunEnd?.({ results: comparison.head, comparison });
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain('<testsuites name="rehearse"');
  });

  test('built-ins are loaded only when named', async () => {
    const loaded: string[] = [];
    const builtins = Object.fromEntries(
      Object.entries(BUILTIN_REPORTERS).map(([name, load]) => [name, () => (loaded.push(name), load())]),
    );
    await resolveReporters(['terminal'], { cwd: tmpdir(), builtins });
    expect(loaded).toEqual(['terminal']);
  });

  test('module paths relative to cwd: a factory, a class, an object, TypeScript, the shipped example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-resolve-'));
    mkdirSync(join(dir, 'rep'));
    writeFileSync(join(dir, 'rep/factory.mjs'), 'export default (options) => ({ onRunEnd() { globalThis.__factoryOptions = options; } });');
    writeFileSync(join(dir, 'rep/klass.js'), 'export default class Rep { constructor(o) { this.o = o; } onRunStart() { return this.o.tag; } }');
    writeFileSync(join(dir, 'rep/object.mjs'), 'export default { onCaseResult() {} };');
    writeFileSync(join(dir, 'rep/typed.ts'), 'import { helper } from "./helper.mjs";\ninterface O { n: number }\nexport default (o: O) => ({ onRunStart: (): number => helper(o.n) });');
    writeFileSync(join(dir, 'rep/helper.mjs'), 'export const helper = (n) => n * 2;');
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const example = join(process.cwd(), 'reporters/example-reporter.mjs');
    const resolved = await resolveReporters(
      [['./rep/factory.mjs', { a: 1 }], ['rep/klass.js', { tag: 'x' }], './rep/object.mjs', ['./rep/typed.ts', { n: 21 }], [example, { outputFile: 'out.csv' }]],
      { cwd: dir },
    );
    const [factory, klass, object, typed, csv] = resolved.map((r) => r.reporter) as Reporter[];
    await factory!.onRunEnd?.({} as never);
    expect((globalThis as { __factoryOptions?: unknown }).__factoryOptions).toEqual({ a: 1 });
    expect(klass!.onRunStart?.({} as never)).toBe('x');
    expect(typeof object!.onCaseResult).toBe('function');
    expect(typed!.onRunStart?.({} as never)).toBe(42);
    // No transpiled temp file is left beside the source.
    expect(readdirSync(join(dir, 'rep')).sort()).toEqual(['factory.mjs', 'helper.mjs', 'klass.js', 'object.mjs', 'typed.ts']);
    // The example reporter writes a CSV, with formula-looking text defused.
    const comparison = realisticComparison();
    await csv!.onRunStart?.({ caseCount: 6, repeat: 1, concurrency: 1, cwd: dir });
    await csv!.onRunEnd?.({ results: comparison.head, comparison });
    const lines = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('key,title,verdict,status,passes,runs,duration_ms,reason');
    expect(lines).toHaveLength(7);
    expect(lines).toContain('refunds/partial-refund,Partial refund for a late delivery,regressed,failed,1,3,36,"passed 1/3 on head, 3/3 on base (p = 0.05)"');
  });

  test('unknown names list the built-ins; bad modules and specs say what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-resolve-'));
    await expect(resolveReporters(['terminal', 'junitt'], { cwd: dir })).rejects.toThrow(
      'reporters[1]: unknown reporter "junitt". Built-in reporters: terminal, markdown, summary, junit, json.',
    );
    await expect(resolveReporters(['./missing.mjs'], { cwd: dir })).rejects.toThrow(/reporter "\.\/missing\.mjs": cannot load .*missing\.mjs/);
    writeFileSync(join(dir, 'nodefault.mjs'), 'export const x = 1;');
    await expect(resolveReporters(['./nodefault.mjs'], { cwd: dir })).rejects.toThrow(/default export must be a factory/);
    writeFileSync(join(dir, 'badhook.mjs'), 'export default { onRunEnd: 3 };');
    await expect(resolveReporters(['./badhook.mjs'], { cwd: dir })).rejects.toThrow('reporter "./badhook.mjs": onRunEnd must be a function');
    writeFileSync(join(dir, 'throws.mjs'), 'export default () => { throw new Error("no key"); };');
    await expect(resolveReporters(['./throws.mjs'], { cwd: dir })).rejects.toThrow('reporter "./throws.mjs": its factory threw: no key');
    await expect(resolveReporters([['junit', 'x' as never]], { cwd: dir })).rejects.toThrow('reporters[0]: the options of "junit" must be an object');
    await expect(resolveReporters([42 as never], { cwd: dir })).rejects.toThrow('reporters[0]: expected a reporter name, a module path, or [name, options]; got 42');
    await expect(resolveReporters(['toString'], { cwd: dir })).rejects.toThrow(/unknown reporter "toString"/);
  });
});
