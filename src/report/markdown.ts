import { join } from 'node:path';
import type { Comparison, Reporter, RunStartInfo } from '../model/index.js';
import { COMMENT_BUDGET, renderWithinBudget } from './budget.js';
import { REPORT_MARKER } from './escape.js';
import { pick, writeOutput } from './output.js';
import { builtinTemplatesDir, loadReportTemplate, normalizeMarker } from './templates.js';
import { buildReportView } from './view-model.js';

export { REPORT_MARKER };

/** Options of the `markdown` reporter (the PR comment). */
export interface MarkdownOptions {
  /** `https://github.com/owner/repo`; with `sha`, case titles link to the case file at that commit. */
  repoUrl?: string;
  /** Head commit for links. */
  sha?: string;
  /** Hidden first line, as an id (`rehearse:report`) or a full `<!-- id -->`. @default REPORT_MARKER */
  marker?: string;
  /** A Handlebars template of your own; `*.hbs` partials beside it override the built-in ones. */
  template?: string;
  /** Largest body, in characters. @default 60000 (GitHub refuses more than 65,536) */
  budget?: number;
  /** Where the reporter writes the comment body, relative to the run's cwd; `-` for stdout. @default 'rehearse-comment.md' */
  outputFile?: string;
}

/**
 * Renders the PR comment for a comparison: marker, headline, regressions and fixes tables, per-case details,
 * footer; cut to the size budget (details of the least important classes go first).
 */
export async function renderComment(comparison: Comparison, options: MarkdownOptions = {}): Promise<string> {
  const template = await loadReportTemplate(options.template ?? join(builtinTemplatesDir(), 'comment.md.hbs'));
  const view = buildReportView(comparison, {
    ...pick(options, 'repoUrl', 'sha'),
    marker: normalizeMarker(options.marker ?? REPORT_MARKER),
    moreIn: 'the job summary or the results artifact',
  });
  return renderWithinBudget(view, template, options.budget ?? COMMENT_BUDGET);
}

/** The `markdown` reporter: writes the PR comment body to `outputFile` when the run ends. */
export function createMarkdownReporter(options: MarkdownOptions = {}): Reporter {
  if (options.marker !== undefined) normalizeMarker(options.marker); // fail at configuration time, not at the end of a run
  let cwd = process.cwd();
  return {
    onRunStart(info: RunStartInfo) {
      cwd = info.cwd;
    },
    async onRunEnd({ comparison }) {
      const body = await renderComment(comparison, options);
      writeOutput(body, options.outputFile ?? 'rehearse-comment.md', cwd);
    },
  };
}

export default createMarkdownReporter;
