import { join } from 'node:path';
import type { Comparison, Reporter, RunStartInfo } from '../model/index.js';
import { renderWithinBudget, SUMMARY_BUDGET } from './budget.js';
import { pick, writeOutput } from './output.js';
import { builtinTemplatesDir, loadReportTemplate } from './templates.js';
import { buildReportView } from './view-model.js';

/** Options of the `summary` reporter (the GitHub job summary). */
export interface SummaryOptions {
  /** File to append to. @default process.env.GITHUB_STEP_SUMMARY, else stdout */
  path?: string;
  repoUrl?: string;
  sha?: string;
  /** A Handlebars template of your own (same view and helpers as the comment). */
  template?: string;
  /** Largest output, in characters. @default 1000000 (GitHub takes 1 MiB per step) */
  budget?: number;
}

/** Renders the job summary: the comment's content without the hidden marker, with a much larger budget. */
export async function renderSummary(comparison: Comparison, options: SummaryOptions = {}): Promise<string> {
  const template = await loadReportTemplate(options.template ?? join(builtinTemplatesDir(), 'summary.md.hbs'));
  const view = buildReportView(comparison, pick(options, 'repoUrl', 'sha'));
  return renderWithinBudget(view, template, options.budget ?? SUMMARY_BUDGET);
}

/**
 * The `summary` reporter: appends to `$GITHUB_STEP_SUMMARY` (GitHub concatenates what each step appends),
 * or prints to stdout when there is no such file, as on a laptop.
 */
export function createSummaryReporter(options: SummaryOptions = {}): Reporter {
  let cwd = process.cwd();
  return {
    onRunStart(info: RunStartInfo) {
      cwd = info.cwd;
    },
    async onRunEnd({ comparison }) {
      const text = await renderSummary(comparison, options);
      const path = options.path ?? process.env.GITHUB_STEP_SUMMARY;
      writeOutput(text.endsWith('\n') ? text : `${text}\n`, path || '-', cwd, true);
    },
  };
}

export default createSummaryReporter;
