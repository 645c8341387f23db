/**
 * The library surface an agent's code imports. It stays small and free of heavy dependencies, because it
 * is loaded into every agent process, in production too.
 */
export { recordable, recordableTools } from './replay/recordable.js';
export type { ExecutableTool } from './replay/recordable.js';
export { defineConfig } from './config/define.js';
export type * from './model/index.js';
export { CASE_FORMAT, CASE_VERSION, RESULTS_FORMAT, RESULTS_VERSION } from './model/index.js';
export * from './capture/index.js';
export { rehearseFetch as fetch } from './model-calls/fetch.js';
export { rehearseMiddleware } from './model-calls/ai-sdk-middleware.js';
export type { RehearseLanguageModelMiddleware } from './model-calls/ai-sdk-middleware.js';
