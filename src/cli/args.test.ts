import { describe, expect, test } from 'vitest';
import { parseCliArgs } from './args.js';
import { UsageError } from './usage-error.js';

describe('parseCliArgs', () => {
  test('help and version', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help'], ['run', '--help']]) expect(parseCliArgs(argv).command).toBe('help');
    expect(parseCliArgs(['--version']).command).toBe('version');
  });

  test('run with every option', () => {
    expect(
      parseCliArgs(['run', 'suites/a', '--config', 'c.json', '--filter', 'refund', '--tag', 'x', '--tag', 'y', '--repeat', '3', '--concurrency', '2', '--out', 'o.json', '--fail-on', 'failing', '--reporter', 'junit', '--json', 'suites/b']),
    ).toEqual({
      command: 'run',
      positionals: ['suites/a', 'suites/b'],
      config: 'c.json',
      filter: 'refund',
      tags: ['x', 'y'],
      repeat: 3,
      concurrency: 2,
      out: 'o.json',
      failOn: 'failing',
      reporters: ['junit'],
      json: true,
    });
  });

  test('--baseline and --save-baseline take an optional path', () => {
    expect(parseCliArgs(['run', '--baseline'])).toMatchObject({ baseline: true });
    expect(parseCliArgs(['run', '--baseline', '--json'])).toMatchObject({ baseline: true, json: true });
    expect(parseCliArgs(['run', '--baseline', 'base.json'])).toMatchObject({ baseline: 'base.json' });
    expect(parseCliArgs(['run', '--save-baseline', '--baseline', 'b.json'])).toMatchObject({ saveBaseline: true, baseline: 'b.json' });
  });

  test('a /regex/ filter is checked up front', () => {
    expect(parseCliArgs(['run', '--filter', '/^support\\//i']).filter).toBe('/^support\\//i');
    expect(() => parseCliArgs(['run', '--filter', '/[/'])).toThrow(UsageError);
  });

  test.each([
    [['deploy'], /unknown command "deploy"/],
    [['run', '--repeat', '0'], /--repeat must be a whole number of at least 1; got "0"/],
    [['run', '--repeat', '2.5'], /--repeat must be a whole number/],
    [['run', '--concurrency', 'x'], /--concurrency must be a whole number/],
    [['run', '--fail-on', 'maybe'], /--fail-on must be one of regressed, failing, never; got "maybe"/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  test('unknown options are refused', () => {
    expect(() => parseCliArgs(['run', '--bogus'])).toThrow(/Unknown option '--bogus'/);
  });
});
