// A custom rehearse reporter you can copy: writes one CSV row per case.
//
// Use it from rehearse.config.ts:
//   reporters: ['terminal', ['./reporters/example-reporter.mjs', { outputFile: 'rehearse.csv' }]]
//
// A reporter module's default export is a factory that receives the options from the config and returns
// an object with any of three hooks, each of which may be async:
//   onRunStart({ caseCount, repeat, concurrency, cwd })   once, before the first case
//   onCaseResult(caseResult)                               once per case, as it finishes
//   onRunEnd({ results, comparison, resultsPath })         once, with the verdicts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Quotes a CSV field (RFC 4180), and defuses spreadsheet formulas in untrusted text. */
function csvField(value) {
  let text = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** @param {{ outputFile?: string }} options */
export default function csvReporter(options = {}) {
  let cwd = process.cwd();
  return {
    onRunStart(info) {
      cwd = info.cwd;
    },
    onRunEnd({ comparison }) {
      const rows = [['key', 'title', 'verdict', 'status', 'passes', 'runs', 'duration_ms', 'reason']];
      for (const c of comparison.cases) {
        const head = c.head;
        rows.push([c.key, head?.title, c.verdict, head?.status, head?.passes, head?.attempts.length, head?.durationMs, c.reason]);
      }
      const file = resolve(cwd, options.outputFile ?? 'rehearse.csv');
      writeFileSync(file, rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n');
    },
  };
}
