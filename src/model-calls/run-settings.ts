import { resolve } from 'node:path';
import type { ModelMode } from '../model/case.js';
import type { RehearseConfig } from '../model/config.js';
import { DEFAULT_CACHE_DIR } from './cache-store.js';
import type { JudgeEnvironment } from './judge-client.js';
import type { ModelCallSettings } from './types.js';

/** What the case worker needs to answer model calls and run judges, as it travels in the worker job. */
export interface ModelCallJob {
  /** The run's mode, cache folder and the config's extra prices (merged with the built-in table in the worker). */
  model: Partial<ModelCallSettings> & { forceMode?: ModelMode };
  judge?: JudgeEnvironment;
}

/**
 * Builds the worker job's model-call settings from the config (paths relative to its folder) and the
 * `--model` flag, which overrides every case's own `replay.model`.
 */
export function modelCallJob(config: RehearseConfig, configDir: string, forceMode: ModelMode | undefined): ModelCallJob {
  const cacheDir = resolve(configDir, config.cacheDir ?? DEFAULT_CACHE_DIR);
  const model: ModelCallJob['model'] = { mode: config.model ?? 'recorded', cacheDir };
  if (forceMode) model.forceMode = forceMode;
  if (config.prices) model.prices = config.prices;
  const job: ModelCallJob = { model };
  if (config.judge) job.judge = { ...config.judge, cacheDir, ...(config.prices && { prices: config.prices }) };
  return job;
}
