import type { Json } from './json.js';

/** Fields every assertion spec may carry. */
export interface AssertionCommon {
  /** A label for reports; defaults to a description built from the spec. */
  name?: string;
  /** Relative weight when the case has a `passThreshold`. @default 1 */
  weight?: number;
}

/**
 * Where an output assertion looks: the whole output, or a value inside it.
 * Accepts a JSON pointer (`/order/status`) or a dotted path (`$.order.items[0].sku`).
 */
export interface OutputTarget {
  path?: string;
}

/** How a call's arguments are compared with expected ones. `subset`: every expected key matches; `exact`: equal. */
export type ArgsMatch = 'subset' | 'exact';

/** A count that must equal a number, or fall within bounds. */
export type CountSpec = number | { min?: number; max?: number };

export type TrajectoryMode = 'strict' | 'unordered' | 'subset' | 'superset';

export type AssertionSpec = AssertionCommon &
  (
    | ({ type: 'equals'; value: Json } & OutputTarget)
    | ({ type: 'contains'; value: string; caseSensitive?: boolean } & OutputTarget)
    | ({ type: 'not-contains'; value: string; caseSensitive?: boolean } & OutputTarget)
    | ({ type: 'matches'; pattern: string; flags?: string } & OutputTarget)
    | ({ type: 'json-schema'; schema: Json } & OutputTarget)
    | { type: 'tool-called'; tool: string; args?: Json; count?: CountSpec }
    | { type: 'tool-not-called'; tool: string; args?: Json }
    | { type: 'tool-args'; tool: string; /** 1-based; @default 1 */ nth?: number; args: Json; match?: ArgsMatch }
    | { type: 'trajectory'; expected: string[]; mode?: TrajectoryMode }
    | { type: 'no-error' }
    | { type: 'max-steps'; max: number }
    | { type: 'max-tool-calls'; max: number; tool?: string }
    | { type: 'max-duration-ms'; max: number }
    | { type: 'max-tokens'; max: number }
    | { type: 'custom'; module: string; export?: string; options?: Json }
    | { type: 'judge'; /** What a good output does, in plain words. */ rubric: string; /** Overrides the config's judge model. */ model?: string; /** Lowest passing score, 0..1. @default 0.5 */ threshold?: number }
  );

export type AssertionType = AssertionSpec['type'];

/** What one assertion concluded about one attempt. */
export interface AssertionResult {
  /** The spec's `type`. */
  type: AssertionType | (string & {});
  /** Human label (the spec's `name`, or a generated description). */
  name: string;
  pass: boolean;
  /** 0..1; 1 when passed, partial credit where the assertion can measure it. */
  score: number;
  /** One sentence: what was expected and what happened. */
  message: string;
  /** Machine-readable detail: the actual value, a json-diff, the offending call, … */
  evidence?: Json;
  /** Set when the assertion could not be evaluated (bad spec, custom module threw). Counts as not passed. */
  error?: string;
}
