import type { CaseResult, RunResults, Verdict } from './result.js';

/** One side of a comparison, reduced to what classification needs. */
export interface SideSummary {
  status: CaseResult['status'];
  passes: number;
  runs: number;
}

/** The verdict for one case and why. */
export interface ComparedCase {
  key: string;
  verdict: Verdict;
  /** One sentence a reviewer can read: "passed 5/5 on head, 0/5 on base (p = 0.004)". */
  reason: string;
  /** Present when the case ran on the head. */
  head?: CaseResult;
  /** The baseline's record of the case, when there was one. */
  base?: SideSummary;
  /** One-sided exact test p-value, when repeats made one meaningful. */
  pValue?: number;
}

export type VerdictCounts = Record<Verdict, number>;

/** Head results, classified against a baseline (or against each case's captured outcome). */
export interface Comparison {
  /** `baseline` when a baseline results file was given, else `captured`. */
  against: 'baseline' | 'captured';
  cases: ComparedCase[];
  counts: VerdictCounts;
  head: RunResults;
}
