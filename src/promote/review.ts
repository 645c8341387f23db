import { createInterface } from 'node:readline';
import type { AssertionSpec } from '../model/assertion.js';
import type { Suggestion } from './suggest.js';

/** What the review settled on. */
export interface ReviewResult {
  assertions: AssertionSpec[];
  title: string;
}

export interface ReviewOptions {
  title: string;
  /** Shown in the confirmation: the file about to be written. */
  target: string;
  /** Checks an added assertion; returns why it is invalid, or undefined. */
  validate: (spec: unknown) => string | undefined;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const HELP = [
  'Enter: done   a: select all   n: select none   1 3: toggle by number',
  '+ {"type":"contains","value":"…"}: add an assertion   t New title: edit the title   q: quit without writing',
].join('\n');

/** The numbered list of suggestions with their selection marks and reasons (also printed for `--yes`). */
export function renderSuggestions(suggestions: readonly Suggestion[]): string {
  if (suggestions.length === 0) return '  (none)\n';
  return suggestions
    .map((s, i) => `  ${String(i + 1).padStart(2)}. [${s.accepted ? 'x' : ' '}] ${describeSpec(s.spec)}\n        ${s.why}\n`)
    .join('');
}

/** One line for a spec: its name, or its type and the fields that matter. */
export function describeSpec(spec: AssertionSpec): string {
  const { name, type, ...rest } = spec as AssertionSpec & Record<string, unknown>;
  const detail = JSON.stringify(rest);
  const body = detail === '{}' ? type : `${type} ${detail.length > 90 ? `${detail.slice(0, 89)}…` : detail}`;
  return name ? `${name}: ${body}` : body;
}

/**
 * Interactive review on a terminal (node:readline): shows the suggestions, lets the user toggle them by
 * number, add one as JSON, edit the title, then confirms. Resolves undefined when the user quits (or the
 * input ends), meaning nothing should be written.
 */
export async function reviewSuggestions(initial: readonly Suggestion[], options: ReviewOptions): Promise<ReviewResult | undefined> {
  const suggestions = initial.map((s) => ({ ...s }));
  let title = options.title;
  const out = options.output;
  const rl = createInterface({ input: options.input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    out.write(prompt);
    const next = await lines.next();
    return next.done ? undefined : String(next.value).trim();
  };
  const show = (): void => {
    out.write(`\nTitle: ${title}\nSuggested assertions (x = will be written):\n${renderSuggestions(suggestions)}${HELP}\n`);
  };
  try {
    show();
    for (;;) {
      const answer = await ask('> ');
      if (answer === undefined || answer === 'q') return undefined;
      if (answer === '') {
        const chosen = suggestions.filter((s) => s.accepted).map((s) => s.spec);
        const confirm = await ask(`Write ${options.target} with ${chosen.length} assertion${chosen.length === 1 ? '' : 's'}? [Y/n] `);
        if (confirm === undefined) return undefined;
        if (confirm === '' || /^y(es)?$/i.test(confirm)) return { assertions: chosen, title };
        show();
        continue;
      }
      if (answer === 'a' || answer === 'n') {
        for (const s of suggestions) s.accepted = answer === 'a';
        show();
      } else if (/^\d+(\s*[ ,]\s*\d+)*$/.test(answer)) {
        const numbers = answer.split(/[\s,]+/).map(Number);
        const bad = numbers.filter((n) => n < 1 || n > suggestions.length);
        if (bad.length > 0) out.write(`No suggestion ${bad.join(', ')}; choose 1-${suggestions.length}.\n`);
        else for (const n of numbers) suggestions[n - 1]!.accepted = !suggestions[n - 1]!.accepted;
        show();
      } else if (answer.startsWith('+')) {
        const added = parseSpec(answer.slice(1).trim(), options.validate);
        if (typeof added === 'string') out.write(`Not added: ${added}\n`);
        else {
          suggestions.push({ spec: added, why: 'added in review', accepted: true });
          show();
        }
      } else if (answer.startsWith('t ')) {
        const next = answer.slice(2).trim();
        if (next) title = next;
        show();
      } else {
        out.write(`Unknown answer "${answer}".\n${HELP}\n`);
      }
    }
  } finally {
    rl.close();
  }
}

/** An assertion from JSON text, or why it cannot be one. */
export function parseSpec(text: string, validate: (spec: unknown) => string | undefined): AssertionSpec | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { type?: unknown }).type !== 'string') {
    return 'an assertion is a JSON object with a "type", e.g. {"type":"tool-not-called","tool":"issue_refund"}';
  }
  const problem = validate(value);
  return problem ?? (value as AssertionSpec);
}
