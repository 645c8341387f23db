import { describe, expect, it } from 'vitest';
import { ActionInputError, inputEnvName, parseInputs, splitGlobs, unknownInputWarnings } from './inputs.js';

describe('parseInputs', () => {
  it('applies the action.yml defaults when no input is set', () => {
    expect(parseInputs({})).toEqual({
      cases: [],
      baseline: { kind: 'base' },
      comment: 'update',
      failOn: 'regressed',
      githubToken: '',
      workingDirectory: '.',
      mode: 'run',
      results: 'rehearse-results/',
    });
    expect(unknownInputWarnings({})).toEqual([]);
  });

  it('reads every input from the variables a runner sets (hyphens kept)', () => {
    const inputs = parseInputs({
      INPUT_CONFIG: ' rehearse.config.json ',
      INPUT_CASES: 'suites/a/*.case.json\nsuites/{b,c}/*.case.json, extra/*.case.yaml\n\n',
      INPUT_BASELINE: '.rehearse/baseline.json',
      INPUT_REPEAT: '5',
      INPUT_CONCURRENCY: '2',
      INPUT_COMMENT: 'new',
      'INPUT_FAIL-ON': 'failing',
      'INPUT_GITHUB-TOKEN': 'ghs_abc',
      'INPUT_WORKING-DIRECTORY': 'packages/agent',
      INPUT_MODE: 'Run',
      INPUT_SHARD: ' 2/4 ',
      INPUT_RESULTS: 'out/shards',
    });
    expect(inputs).toEqual({
      config: 'rehearse.config.json',
      cases: ['suites/a/*.case.json', 'suites/{b,c}/*.case.json', 'extra/*.case.yaml'],
      baseline: { kind: 'file', path: '.rehearse/baseline.json' },
      repeat: 5,
      concurrency: 2,
      comment: 'new',
      failOn: 'failing',
      githubToken: 'ghs_abc',
      workingDirectory: 'packages/agent',
      mode: 'run',
      shard: { index: 2, count: 4 },
      results: 'out/shards',
    });
  });

  it('reads baseline keywords in any case', () => {
    expect(parseInputs({ INPUT_BASELINE: 'NONE' }).baseline).toEqual({ kind: 'none' });
    expect(parseInputs({ INPUT_BASELINE: 'Base' }).baseline).toEqual({ kind: 'base' });
  });

  it('says what to write instead of an unknown comment mode', () => {
    expect(() => parseInputs({ INPUT_COMMENT: 'yes' })).toThrow('comment must be one of update, new, off; got "yes"');
  });

  it('collects every problem before failing', () => {
    let error: unknown;
    try {
      parseInputs({ INPUT_REPEAT: '0', INPUT_CONCURRENCY: '1.5', 'INPUT_FAIL-ON': 'always' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionInputError);
    expect((error as ActionInputError).problems).toEqual([
      'fail-on must be one of regressed, failing, never; got "always"',
      'repeat must be a positive whole number such as 3, or left out to use the config\'s value; got "0"',
      'concurrency must be a positive whole number such as 3, or left out to use the config\'s value; got "1.5"',
    ]);
    expect((error as Error).message).toMatch(/^The action's inputs have 3 problems:\n- fail-on/);
  });

  it('reads mode: report with a glob of results files', () => {
    expect(parseInputs({ INPUT_MODE: 'report', INPUT_RESULTS: 'shards/**/*.json' })).toMatchObject({ mode: 'report', results: 'shards/**/*.json' });
    expect(parseInputs({ INPUT_MODE: 'report' }).shard).toBeUndefined();
  });

  it('refuses a malformed shard, saying the form to write', () => {
    for (const bad of ['2', '0/4', '5/4', '1/0', 'a/b', '1/2/3', '-1/2']) {
      expect(() => parseInputs({ INPUT_SHARD: bad }), bad).toThrow(/shard.*; write it as `shard: \$\{\{ matrix\.shard \}\}\/4` in a matrix job/);
    }
    expect(() => parseInputs({ INPUT_SHARD: '5/4' })).toThrow('shard 5/4: i must be between 1 and n (4); got 5');
  });

  it('refuses an unknown mode, shard with mode: report, and a glob as the folder a shard writes to', () => {
    expect(() => parseInputs({ INPUT_MODE: 'merge' })).toThrow('mode must be one of run, report; got "merge"');
    expect(() => parseInputs({ INPUT_MODE: 'report', INPUT_SHARD: '1/2' })).toThrow(
      "shard is for the matrix jobs (mode: run); the report job (mode: report) merges every shard's files, so leave shard out there",
    );
    expect(() => parseInputs({ INPUT_SHARD: '1/2', INPUT_RESULTS: 'out/*.json' })).toThrow(
      'results must be a folder when a shard runs (its files are written there as head-<i>.json and base-<i>.json); got the glob "out/*.json"',
    );
  });

  it('rejects a repeat that is not a plain number', () => {
    for (const bad of ['-1', 'three', '1e3', '99999999999999999999']) {
      expect(() => parseInputs({ INPUT_REPEAT: bad })).toThrow(`got ${JSON.stringify(bad)}`);
    }
  });

  it('warns about misspelt inputs and names the one probably meant', () => {
    const warnings = unknownInputWarnings({ INPUT_FAILON: 'never', INPUT_GITHUB_TOKEN: 'x', INPUT_SHINY: 'on', PATH: '/bin' });
    expect(warnings).toEqual([
      'Unknown input "failon" (INPUT_FAILON) is ignored. Did you mean "fail-on"?',
      'Unknown input "github_token" (INPUT_GITHUB_TOKEN) is ignored. Did you mean "github-token"?',
      'Unknown input "shiny" (INPUT_SHINY) is ignored. Known inputs: config, cases, baseline, repeat, concurrency, comment, fail-on, github-token, working-directory, mode, shard, results.',
    ]);
  });
});

describe('splitGlobs', () => {
  it('keeps commas inside braces', () => {
    expect(splitGlobs('a/{x,y}/*.json,b/*.json')).toEqual(['a/{x,y}/*.json', 'b/*.json']);
  });
  it('handles Windows line ends and blank lines', () => {
    expect(splitGlobs('a\r\n\r\n b \n')).toEqual(['a', 'b']);
  });
});

describe('inputEnvName', () => {
  it('matches how the runner names input variables', () => {
    expect(inputEnvName('fail-on')).toBe('INPUT_FAIL-ON');
    expect(inputEnvName('github token')).toBe('INPUT_GITHUB_TOKEN');
  });
});
