import type { RehearseConfig } from '../model/config.js';

/**
 * Types a `rehearse.config.ts`; returns its argument unchanged.
 *
 * @example
 * export default defineConfig({ agent: { module: './src/agent.ts', export: 'runAgent' } });
 */
export function defineConfig(config: RehearseConfig): RehearseConfig {
  return config;
}
