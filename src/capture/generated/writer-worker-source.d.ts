/** Generated at build time by scripts/build.mjs: src/capture/writer-worker.ts bundled as one CommonJS source. */
export declare const WRITER_WORKER_SOURCE: string;
