import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_DIR, pruneCache } from '../../model-calls/cache-store.js';
import { parseAge } from '../../model-calls/duration.js';
import type { CliIo } from '../main.js';
import { UsageError } from '../usage-error.js';

const USAGE = `usage: rehearse cache prune [--older-than 30d] [--dir DIR]

Removes model responses cached by "--model cached" (and by judge assertions) that were stored longer ago
than --older-than (m, h, d or w; default 30d). Entries carry their creation time, so this works on a cache
restored by CI too.

  --older-than AGE  Remove entries created more than AGE ago (default 30d)
  --dir DIR         The cache folder (default: "cacheDir" of rehearse.config.json, else ${DEFAULT_CACHE_DIR})`;

/** `rehearse cache prune`: exit 0 pruned, 2 usage error. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'prune') throw new UsageError(`unknown cache command "${sub}"\n${USAGE}`);
  let values;
  try {
    values = parseArgs({ args: rest, strict: true, options: { 'older-than': { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const age = parseAge(values['older-than'] ?? '30d');
  if (age === undefined) throw new UsageError(`--older-than must be an age such as 30d, 12h, 90m or 2w; got "${values['older-than']}"`);
  const dir = values.dir ? resolve(io.cwd, values.dir) : configuredDir(io.cwd);
  const outcome = await pruneCache(dir, new Date(Date.now() - age));
  io.stdout.write(
    `rehearse: removed ${outcome.removed} cached response${outcome.removed === 1 ? '' : 's'} older than ${values['older-than'] ?? '30d'} from ${dir}, kept ${outcome.kept}` +
      (outcome.skipped > 0 ? ` (left ${outcome.skipped} file${outcome.skipped === 1 ? '' : 's'} that are not cache entries)` : '') +
      '\n',
  );
  return 0;
}

/** The cache folder a JSON config names (relative to it), else the default. TS configs need `--dir`. */
function configuredDir(cwd: string): string {
  const path = resolve(cwd, 'rehearse.config.json');
  if (existsSync(path)) {
    try {
      const config = JSON.parse(readFileSync(path, 'utf8')) as { cacheDir?: unknown };
      if (typeof config.cacheDir === 'string') return resolve(cwd, config.cacheDir);
    } catch {
      // An unreadable config is reported by `rehearse run`; pruning falls back to the default folder.
    }
  }
  return resolve(cwd, DEFAULT_CACHE_DIR);
}
