// A reporter for bench/memory.mjs: when the run ends (every result and the comparison in memory), collects
// garbage and prints the main thread's used heap. That is what the run retains, free of GC timing.
// Needs `node --expose-gc`; prints nothing without it.
export default function heapReporter() {
  return {
    onRunEnd() {
      if (typeof globalThis.gc !== 'function') return;
      globalThis.gc();
      process.stderr.write(`BENCH_RETAINED_HEAP=${process.memoryUsage().heapUsed}\n`);
    },
  };
}
