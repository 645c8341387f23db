export type * from './json.js';
export * from './case.js';
export type * from './assertion.js';
export * from './result.js';
export type * from './comparison.js';
export type * from './config.js';
export type * from './agent.js';
export type * from './reporter.js';
export type * from './run.js';
