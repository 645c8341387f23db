import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { realisticComparison } from './comparison-fixture.js';
import { resolveReporters } from './resolve.js';

const loaded = (name: string) => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/${name}/`));

test('reporting to the terminal, JUnit and JSON never loads Handlebars; the Markdown comment does', async () => {
  expect(loaded('handlebars')).toBe(false);
  const comparison = realisticComparison();
  const resolved = await resolveReporters(['terminal', ['junit', { outputFile: '-' }]], { cwd: process.cwd() });
  const sink = { write: () => true };
  const [terminal] = await resolveReporters([['terminal', { stream: sink }]], { cwd: process.cwd() });
  await terminal!.reporter.onRunEnd?.({ results: comparison.head, comparison });
  expect(resolved).toHaveLength(2);
  expect(loaded('handlebars')).toBe(false);
  const [markdown] = await resolveReporters([['markdown', { outputFile: '-' }]], { cwd: process.cwd() });
  expect(loaded('handlebars')).toBe(false); // resolving is not rendering
  const { renderComment } = await import('./markdown.js');
  await renderComment(comparison);
  expect(markdown).toBeDefined();
  expect(loaded('handlebars')).toBe(true);
});
