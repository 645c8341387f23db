import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../cli/args.js';
import { validateConfig } from '../config/validate-config.js';
import { judgeConfigIssues } from '../config/validate-model-calls.js';
import { parseVerdict } from './judge-client.js';
import { modelCallJob } from './run-settings.js';

describe('model-call settings of a run', () => {
  it('resolves the cache folder from the config folder and carries mode, --model, prices and judge', () => {
    const job = modelCallJob(
      { agent: { module: './a.ts' }, model: 'cached', cacheDir: 'tmp/cache', prices: { m: { input: 1, output: 2 } }, judge: { provider: 'openai', model: 'gpt-4o-mini' } },
      '/repo/evals',
      'live',
    );
    expect(job.model).toEqual({ mode: 'cached', cacheDir: '/repo/evals/tmp/cache', forceMode: 'live', prices: { m: { input: 1, output: 2 } } });
    expect(job.judge).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', cacheDir: '/repo/evals/tmp/cache' });
    expect(modelCallJob({ agent: { module: './a.ts' } }, '/repo', undefined)).toEqual({ model: { mode: 'recorded', cacheDir: '/repo/.rehearse/cache' } });
  });

  it('parses --model and refuses other values', () => {
    expect(parseCliArgs(['run', '--model', 'cached']).model).toBe('cached');
    expect(() => parseCliArgs(['run', '--model', 'fake'])).toThrow('--model must be one of live, cached, recorded; got "fake"');
  });

  it('validates the config options with pointers', () => {
    const base = { agent: { module: './a.ts' } };
    expect(validateConfig({ ...base, cacheDir: '.cache', prices: { m: { input: 1, output: 2 } }, judge: { provider: 'anthropic', model: 'claude-haiku-4-5' } })).toEqual([]);
    expect(validateConfig({ ...base, judge: { provider: 'mistral', model: '' } }).map((i) => i.pointer)).toEqual(['/judge/provider', '/judge/model']);
    expect(validateConfig({ ...base, prices: { m: { input: -1, output: 2 } } }).map((i) => i.pointer)).toEqual(['/prices/m/input']);
    expect(judgeConfigIssues({ provider: 'openai', model: 'x', baseUrl: 'not a url', extra: 1 }).map((i) => i.pointer)).toEqual(['/judge/baseUrl', '/judge/extra']);
  });

  it("reads the judge's verdict through fences and prose, and refuses anything else", () => {
    expect(parseVerdict('```json\n{"score": 0.8, "reason": "ok"}\n```')).toEqual({ score: 0.8, reason: 'ok' });
    expect(parseVerdict('Verdict: {"score": "1.5", "reason": "great"}')).toEqual({ score: 1, reason: 'great' });
    expect(parseVerdict('{"reason": "no score"}')).toBeUndefined();
    expect(parseVerdict('no json')).toBeUndefined();
  });
});
