import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Imports point one way along the pipeline: case format and domain types at the bottom, entry points on top.
 * A layer may import itself and the layers listed for it; anything else is an arrow the wrong way.
 */
const ALLOWED: Record<string, string[]> = {
  model: [],
  case: ['model'],
  config: ['model', 'case'],
  replay: ['model', 'case'],
  capture: ['model', 'case', 'replay'],
  'model-calls': ['model', 'case', 'replay', 'capture'],
  score: ['model', 'case', 'model-calls'],
  compare: ['model'],
  report: ['model', 'compare'],
  shard: ['model'],
  import: ['model', 'case', 'capture'],
  promote: ['model', 'case', 'capture', 'import', 'score', 'replay'],
  run: ['model', 'case', 'config', 'replay', 'score', 'compare', 'report', 'model-calls', 'shard'],
  cli: ['model', 'case', 'config', 'replay', 'score', 'compare', 'report', 'run', 'capture', 'import', 'promote', 'shard', 'model-calls'],
  action: ['model', 'case', 'config', 'compare', 'report', 'run', 'shard'],
};

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function layerOf(file: string): string {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? '(root)' : parts[0]!;
}

describe('import direction', () => {
  const files = sourceFiles(src);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every import points down the pipeline', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      if (layer === '(root)') continue; // src/index.ts is the library surface and may gather from any layer
      const allowed = ALLOWED[layer];
      if (!allowed) {
        wrong.push(`${relative(src, file)}: layer "${layer}" has no entry in ALLOWED; add it with the layers it may import`);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = join(file, '..', match[1]!);
        if (!target.startsWith(src + sep)) continue;
        const targetLayer = layerOf(target);
        if (targetLayer === layer || allowed.includes(targetLayer)) continue;
        wrong.push(`${relative(src, file)} imports ${match[1]} (${layer} → ${targetLayer})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only src/action imports @actions/*', () => {
    const offenders = files.filter((f) => layerOf(f) !== 'action' && /from '@actions\//.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(src, f))).toEqual([]);
  });
});
