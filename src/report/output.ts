import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Writes a reporter's text to a file relative to `cwd` (creating folders), or to stdout for `-`. */
export function writeOutput(text: string, outputFile: string, cwd: string, append = false): void {
  if (outputFile === '-') {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  const path = resolve(cwd, outputFile);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, append ? { flag: 'a' } : undefined);
}

/** The defined values of some keys of an object (so `undefined` options do not override defaults). */
export function pick<T extends object, K extends keyof T>(obj: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}
