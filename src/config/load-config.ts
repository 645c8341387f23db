import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RehearseConfig } from '../model/config.js';
import { validateConfig } from './validate-config.js';

/** Looked for in this order in the working directory when no `--config` is given. */
export const CONFIG_FILES = ['rehearse.config.ts', 'rehearse.config.mts', 'rehearse.config.js', 'rehearse.config.mjs', 'rehearse.config.json'];

/** A config problem: the run cannot start (exit code 2). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

export interface LoadedConfig {
  config: RehearseConfig;
  /** Absolute path of the config file. */
  path: string;
  /** Folder the config's relative paths are resolved from. */
  dir: string;
  /** Absolute path of the agent module. */
  agentModule: string;
}

/**
 * Finds and loads the config. TypeScript configs need the TypeScript loader hooks, which cost a loader
 * thread at start-up; `registerTypeScript` is called only for them, so a JSON config starts fastest.
 */
export async function loadConfig(cwd: string, explicitPath: string | undefined, registerTypeScript: () => void): Promise<LoadedConfig> {
  const path = explicitPath ? resolve(cwd, explicitPath) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  if (!path) {
    throw new ConfigError(`no config found in ${cwd}: create rehearse.config.json with {"agent": {"module": "./src/agent.ts", "export": "runAgent"}} or pass --config FILE`);
  }
  if (!existsSync(path)) throw new ConfigError(`config file ${explicitPath} does not exist`);
  let raw: unknown;
  try {
    if (path.endsWith('.json')) {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } else {
      if (/\.(ts|mts|cts)$/.test(path)) registerTypeScript();
      const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
      raw = module.default;
    }
  } catch (error) {
    throw new ConfigError(`cannot load config ${path}: ${(error as Error).message}`, { cause: error });
  }
  const issues = validateConfig(raw);
  if (issues.length > 0) {
    throw new ConfigError(`invalid config ${path}:\n${issues.map((i) => `  ${i.pointer || '/'}: ${i.message}`).join('\n')}`);
  }
  const config = raw as RehearseConfig;
  const dir = dirname(path);
  const agentModule = resolve(dir, config.agent.module);
  if (!existsSync(agentModule)) {
    throw new ConfigError(`${path}#/agent/module: agent module ${config.agent.module} not found (resolved to ${agentModule})`);
  }
  return { config, path, dir, agentModule };
}
