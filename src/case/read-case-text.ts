import { readFileSync } from 'node:fs';

/**
 * A case file's text, or why it could not be read (the file system's message). Its own module so that the
 * main thread, which reads case files ahead for the worker, does not load the validator with it.
 */
export function readCaseText(path: string): string | { readError: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return { readError: (error as Error).message };
  }
}
