/**
 * Promote: turns one run (captured or imported) into a case file: redacted again, failing step found,
 * assertions suggested from the failure and reviewed, validated, written under `suites/<suite>/`.
 */
export { draftCase, finalizeCase } from './build-case.js';
export type { CaseDraft, DraftOptions } from './build-case.js';
export { suggestAssertions, identifyingArgs, quotedPhrases, shapeSchema } from './suggest.js';
export type { Suggestion, SuggestInput } from './suggest.js';
export { inferFailureStep, stepNamedByNote } from './infer-failure.js';
export type { FailureStep, FailureStepInput, FailureStepSource } from './infer-failure.js';
export { nameProblem, slugify } from './names.js';
export { casePath, schemaRef, writeCase, PromoteError } from './write-case.js';
export { reviewSuggestions, renderSuggestions, describeSpec, parseSpec } from './review.js';
export type { ReviewOptions, ReviewResult } from './review.js';
export { assertionProblem } from './check-assertion.js';
export { caseFromRun } from './replay-case.js';
