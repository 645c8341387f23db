import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadCaseFile, checkCase, type CaseLoadResult } from './load-case.js';
import { formatCaseError } from './case-error.js';
import { discoverCaseFiles } from './discover.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/cases');

async function load(relative: string): Promise<CaseLoadResult> {
  return loadCaseFile(join(FIXTURES, relative), `cases/${relative}`);
}

async function loadError(relative: string) {
  const result = await load(relative);
  if (result.ok) throw new Error(`${relative} loaded, but it should have failed`);
  return result.error;
}

describe('valid cases', () => {
  test('a JSON case with every kind of field loads as it is written', async () => {
    const result = await load('valid/refund-declined.case.json');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.id).toBe('refund-declined');
    expect(result.data.timeline).toHaveLength(3);
    expect(result.data.assertions.map((a) => a.type)).toEqual(['not-contains', 'matches', 'tool-called', 'tool-args', 'trajectory', 'no-error', 'max-tokens']);
  });

  test('a YAML case loads with the same schema', async () => {
    const result = await load('valid/order-status.case.yaml');
    expect(result).toMatchObject({
      ok: true,
      data: { id: 'order-status', timeline: [{ type: 'tool', name: 'lookup_order', args: { orderId: 'A-1043' } }], outcome: { status: 'ok' } },
    });
  });

  test('every case in the shipped example suite is valid', async () => {
    const files = await discoverCaseFiles(['suites'], join(import.meta.dirname, '../..'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const result = await loadCaseFile(file, file);
      expect(result.ok ? 'ok' : formatCaseError(result.error), file).toBe('ok');
    }
  });
});

describe('side files', () => {
  test('input, tool args and results, and the output may live beside the case ($file)', async () => {
    const result = await load('side-files/large-values.case.json');
    if (!result.ok) throw new Error(formatCaseError(result.error));
    expect(result.data.input).toEqual({ customerId: 'C-200', attachments: ['receipt.pdf', 'photo.jpg'] });
    expect(result.data.timeline[0]).toMatchObject({
      args: { category: 'kitchen', page: 1 },
      result: { items: [{ sku: 'KT-1', name: 'Kettle' }, { sku: 'KT-2', name: 'Toaster' }] },
    });
    // A side file that is not JSON is its text.
    expect(result.data.timeline[1]).toMatchObject({ result: '# Summary\n\nTwo items.\n' });
    expect(result.data.outcome.output).toEqual({ reply: 'We sell a kettle and a toaster.' });
  });

  test('a missing side file is reported at the $file pointer', async () => {
    const error = await loadError('side-files/missing-side-file.case.json');
    expect(error).toMatchObject({ code: 'CASE_INVALID', file: 'cases/side-files/missing-side-file.case.json', pointer: '/timeline/0/result/$file' });
    expect(error.message).toContain('cannot load side file data/gone.json');
  });

  test('an absolute side file path is refused', async () => {
    const error = await loadError('side-files/absolute-side-file.case.json');
    expect(error).toMatchObject({ code: 'CASE_INVALID', pointer: '/input/$file' });
    expect(error.message).toContain('must be relative to the case file');
  });
});

describe('invalid cases: each fails with the expected error, file and JSON pointer', () => {
  test.each([
    ['unknown-property.case.json', '/colour', 'unknown property "colour"'],
    ['unknown-assertion-property.case.json', '/assertions/1/caseSensitve', 'unknown property "caseSensitve"'],
    ['unknown-assertion-type.case.json', '/assertions/0/type', 'unknown type "contains-ish"; expected one of equals, contains, not-contains, matches, json-schema, tool-called'],
    ['missing-title.case.json', '/title', 'missing required property "title"'],
    ['missing-tool-args.case.json', '/timeline/0/args', 'missing required property "args"'],
    ['bad-regex.case.json', '/assertions/1/pattern', 'not a valid regular expression'],
    ['atstep-past-end.case.json', '/outcome/failure/atStep', 'step 2 is past the end of the timeline (2 events; steps count from 0)'],
    ['wrong-format.case.json', '/format', 'must be "rehearse.case"'],
  ])('%s → %s', async (file, pointer, message) => {
    const error = await loadError(`invalid/${file}`);
    expect(error.code).toBe('CASE_INVALID');
    expect(error.file).toBe(`cases/invalid/${file}`);
    expect(error.pointer).toBe(pointer);
    expect(error.issues?.[0]?.message).toContain(message);
    // The one-line form a terminal shows starts with file#pointer.
    expect(formatCaseError(error).split('\n')[0]).toBe(`cases/invalid/${file}#${pointer}: ${error.issues![0]!.message}`);
  });

  test('one issue per problem, without the branch noise of oneOf', async () => {
    const error = await loadError('invalid/unknown-assertion-property.case.json');
    expect(error.issues).toEqual([{ pointer: '/assertions/1/caseSensitve', message: 'unknown property "caseSensitve" (check its spelling against the case format)' }]);
  });

  test('a case of another format says what it is and what was expected', async () => {
    const error = await loadError('invalid/wrong-format.case.json');
    expect(error.message).toBe('not a rehearse case: format "rehearse.run"; expected "format": "rehearse.case"');
  });

  test('a newer version is refused with CASE_VERSION_UNSUPPORTED and what to do, before the schema sees new fields', async () => {
    const error = await loadError('invalid/newer-version.case.json');
    expect(error).toMatchObject({ code: 'CASE_VERSION_UNSUPPORTED', pointer: '/version' });
    expect(error.message).toBe('case format version 2 is newer than this rehearse reads (up to 1); upgrade rehearse to run it');
  });

  test('malformed JSON names the line and column', async () => {
    const error = await loadError('invalid/malformed.case.json');
    expect(error.code).toBe('CASE_INVALID');
    expect(error.message).toMatch(/^not valid JSON: .+ at line 7, column 1$/);
  });

  test('malformed YAML is reported with the parser message', async () => {
    const error = await loadError('invalid/malformed.case.yaml');
    expect(error.code).toBe('CASE_INVALID');
    expect(error.message).toMatch(/^not valid YAML: /);
    expect(error.message).toMatch(/at line \d+, column \d+/);
    expect(error.message).toContain('title: [unclosed');
  });

  test('a file that is not an object fails at the root pointer', async () => {
    const error = await loadError('invalid/not-an-object.case.json');
    expect(error).toMatchObject({ code: 'CASE_INVALID', pointer: '', message: 'a case must be a JSON object' });
  });

  test('a file that cannot be read is CASE_UNREADABLE', async () => {
    const error = await loadError('invalid/does-not-exist.case.json');
    expect(error.code).toBe('CASE_UNREADABLE');
    expect(error.message).toMatch(/^cannot read file: ENOENT/);
  });

  test('tool-called with min above max is refused at its count', () => {
    const result = checkCase(
      { format: 'rehearse.case', version: 1, id: 'c', title: 't', input: null, timeline: [], outcome: { status: 'ok' }, assertions: [{ type: 'tool-called', tool: 'x', count: { min: 3, max: 1 } }] },
      '/tmp/c.case.json',
      'c.case.json',
    );
    expect(result.ok ? undefined : result.error).toMatchObject({ pointer: '/assertions/0/count', message: '/assertions/0/count: min is greater than max' });
  });
});

describe('discoverCaseFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-discover-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string): void => {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, '{}');
  };

  test('folders, the common dir/**/*.ext shape and other globs; node_modules left out; sorted absolute paths', async () => {
    for (const f of ['suites/a/one.case.json', 'suites/a/two.case.yaml', 'suites/b/deep/three.case.json', 'suites/a/notes.json', 'suites/node_modules/x/dep.case.json', 'other/four.case.json']) write(f);
    expect(await discoverCaseFiles(['suites/**/*.case.json'], dir)).toEqual([join(dir, 'suites/a/one.case.json'), join(dir, 'suites/b/deep/three.case.json')]);
    expect(await discoverCaseFiles(['suites'], dir)).toEqual([join(dir, 'suites/a/one.case.json'), join(dir, 'suites/a/two.case.yaml'), join(dir, 'suites/b/deep/three.case.json')]);
    expect(await discoverCaseFiles(['./other/four.case.json', 'suites/{a,b}/*.case.*'], dir)).toEqual([join(dir, 'other/four.case.json'), join(dir, 'suites/a/one.case.json'), join(dir, 'suites/a/two.case.yaml')]);
    expect(await discoverCaseFiles(['nowhere/**/*.case.json'], dir)).toEqual([]);
  });
});
