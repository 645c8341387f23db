import type { ModelMode, ToolMatchPolicy } from './case.js';

/** When `rehearse run` exits 1. */
export type FailOn = 'regressed' | 'failing' | 'never';

/** A reporter by built-in name, by module path, or either with options. */
export type ReporterSpec = string | [name: string, options: Record<string, unknown>];

/** `rehearse.config.ts` / `rehearse.config.json`. Paths are relative to the config file. */
export interface RehearseConfig {
  /** The agent under test: a module and the export to call as `(input, ctx) => output`. */
  agent: {
    module: string;
    /** @default 'default' */
    export?: string;
  };
  /** Case globs. @default ['suites/**\/*.case.json', 'suites/**\/*.case.yaml'] */
  cases?: string[];
  /** Cases run at once. @default 8 */
  concurrency?: number;
  /**
   * Worker threads cases are spread over (only with 250+ cases a worker). Each thread warms up on its own, so
   * a second one paid for itself only when agents do real CPU work per case, on machines with spare cores. @default 1
   */
  workers?: number;
  /** Per-attempt timeout, overridable per case. @default 30000 */
  timeoutMs?: number;
  /** Attempts per case (a case's own `replay.repeat` wins). @default 1 */
  repeat?: number;
  /** Tool policies applied to every case; a case's own `replay.tools` wins. */
  tools?: Record<string, ToolMatchPolicy>;
  /** Hosts the agent may reach during replay besides loopback (`api.openai.com`, `*.internal`). */
  allowHosts?: string[];
  /** Model calls during replay (a case's `replay.model` wins; `--model` wins over both). @default 'recorded' */
  model?: ModelMode;
  /** Folder of the model response cache (`cached` mode and the judge). @default '.rehearse/cache' */
  cacheDir?: string;
  /** Prices in US dollars per million tokens, by model id or id prefix, over the built-in table. */
  prices?: Record<string, { input: number; output: number; cachedInput?: number }>;
  /** The model that grades `judge` assertions: OpenAI (or any OpenAI-compatible `baseUrl`) or Anthropic. */
  judge?: {
    provider: 'openai' | 'anthropic';
    model: string;
    /** @default https://api.openai.com/v1 or https://api.anthropic.com */
    baseUrl?: string;
    /** Environment variable with the key. @default OPENAI_API_KEY or ANTHROPIC_API_KEY */
    apiKeyEnv?: string;
  };
  /** Results file. @default 'rehearse-results.json' */
  out?: string;
  /** Baseline results used by `--baseline` with no path and written by `--save-baseline`. @default '.rehearse/baseline.json' */
  baseline?: string;
  /** @default 'regressed' */
  failOn?: FailOn;
  /** @default ['terminal'] */
  reporters?: ReporterSpec[];
  /** Pass-rate thresholds for repeats: below `fail` is failing, at or above `pass` is passing. */
  thresholds?: { pass?: number; fail?: number };
  /** Significance level of the exact test that separates a real fix or regression from noise. @default 0.05 */
  significance?: number;
}
