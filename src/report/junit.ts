import type { CaseResult, Comparison, Reporter, RunResults, RunStartInfo } from '../model/index.js';
import { writeOutput } from './output.js';

export interface JunitOptions {
  /** Relative to the run's working directory. @default 'rehearse-junit.xml' */
  outputFile?: string;
}

/*
 * XML 1.0 allows only tab, newline, carriage return and the ranges below; anything else (other control
 * characters, lone surrogates, U+FFFE/U+FFFF) makes the whole file unparseable, so it is replaced.
 */
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for an XML attribute or element, replacing characters XML 1.0 cannot carry with U+FFFD. */
export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch] as string);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * JUnit XML for a run: a `testsuite` per rehearse suite, a `testcase` per case. Failed cases carry a
 * `failure` per failed assertion; diverged and errored cases an `error`. The comparison's verdict goes into
 * `system-out`, so CI test views show "regressed" or "still failing" beside the failure.
 */
export function renderJunit(results: RunResults, comparison?: Comparison): string {
  const verdicts = new Map(comparison?.cases.map((c) => [c.key, c]) ?? []);
  const suites = new Map<string, CaseResult[]>();
  for (const result of results.cases) {
    let list = suites.get(result.suite);
    if (!list) suites.set(result.suite, (list = []));
    list.push(result);
  }
  const count = (cases: CaseResult[], status: CaseResult['status'] | 'error') =>
    cases.filter((c) => (status === 'error' ? c.status === 'errored' || c.status === 'diverged' : c.status === status)).length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="rehearse" tests="${results.cases.length}" failures="${count(results.cases, 'failed')}" errors="${count(results.cases, 'error')}" skipped="0" time="${seconds(results.durationMs)}" timestamp="${escapeXml(results.startedAt)}">`,
  );
  // Sorted, because results arrive in completion order and the file should not change between identical runs.
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const [suite, cases] of [...suites].sort(([a], [b]) => byName(a, b))) {
    cases.sort((a, b) => byName(a.id, b.id));
    const time = cases.reduce((sum, c) => sum + c.durationMs, 0);
    out.push(
      `  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${count(cases, 'failed')}" errors="${count(cases, 'error')}" skipped="0" time="${seconds(time)}" timestamp="${escapeXml(results.startedAt)}">`,
    );
    for (const result of cases) out.push(...testcase(result, verdicts.get(result.key)));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function testcase(result: CaseResult, compared: Comparison['cases'][number] | undefined): string[] {
  const open = `    <testcase name="${escapeXml(`${result.id}: ${result.title}`)}" classname="${escapeXml(result.suite)}" file="${escapeXml(result.file)}" time="${seconds(result.durationMs)}"`;
  const body: string[] = [];
  const attempt = result.attempts.find((a) => a.status === result.status) ?? result.attempts[0];
  if (result.status === 'failed') {
    const failed = (attempt?.assertions ?? []).filter((a) => !a.pass);
    if (failed.length === 0) body.push(`      <failure message="the case did not reach its pass threshold" type="threshold"/>`);
    for (const a of failed) {
      const detail = a.evidence === undefined ? a.message : `${a.message}\nevidence: ${JSON.stringify(a.evidence, null, 2)}`;
      body.push(`      <failure message="${escapeXml(`${a.name}: ${a.message}`)}" type="${escapeXml(a.type)}">${escapeXml(detail)}</failure>`);
    }
  } else if (result.status === 'errored' || result.status === 'diverged') {
    const error = result.error ?? attempt?.error;
    const divergence = attempt?.divergence;
    const message = error ? `${error.code}: ${error.message}` : divergence ? `diverged: ${divergence.message}` : result.status;
    const type = error?.code ?? divergence?.kind ?? result.status;
    const detail = error?.stack ?? (divergence ? JSON.stringify(divergence, null, 2) : message);
    body.push(`      <error message="${escapeXml(message)}" type="${escapeXml(type)}">${escapeXml(detail)}</error>`);
  }
  if (compared) body.push(`      <system-out>${escapeXml(`verdict: ${compared.verdict}\n${compared.reason}`)}</system-out>`);
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, '    </testcase>'];
}

/** The `junit` reporter: writes the XML file when the run ends. */
export function createJunitReporter(options: JunitOptions = {}): Reporter {
  let cwd = process.cwd();
  return {
    onRunStart(info: RunStartInfo) {
      cwd = info.cwd;
    },
    onRunEnd({ results, comparison }) {
      writeOutput(renderJunit(results, comparison), options.outputFile ?? 'rehearse-junit.xml', cwd);
    },
  };
}

export default createJunitReporter;
