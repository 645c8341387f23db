/** Baseline vs head → verdicts, with the statistics for repeats. Pure functions, no I/O. */
export { compareRuns, emptyCounts, resolveSettings, VERDICT_ORDER } from './compare.js';
export type { CompareOptions } from './compare.js';
export { classifySide, judgeCase, judgeRemoved } from './classify.js';
export type { CompareSettings, Reference, SideOutcome } from './classify.js';
export { exitCodeFor, headline, VERDICT_WORDS } from './outcome.js';
export { fisherExactOneSided, logFactorial, passHatK, wilsonInterval } from './stats.js';
export type { Direction, RateInterval } from './stats.js';
export { summarizeAttempts, summarizeSide } from './summarize.js';
