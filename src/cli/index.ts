/**
 * The `rehearse` command. Kept thin: everything it does is in `main`, which tests call directly.
 *
 * `rehearse run` starts its case worker here, before the rest of the CLI is even loaded: the worker's boot
 * (~80 ms) then overlaps loading the CLI, reading the config and finding the cases, instead of following them.
 */
import { PrestartedWorker } from '../run/case-worker.js';

const version = '0.1.0';
const argv = process.argv.slice(2);
const workerUrl = new URL('./worker.js', import.meta.url);
const prestartedWorker = argv[0] === 'run' && !argv.includes('--help') && !argv.includes('-h') ? new PrestartedWorker(workerUrl) : undefined;
const { main } = await import('./main.js');
const code = await main(
  argv,
  {
    // Resolved here, in the entry bundle, so they point beside dist/cli.js whatever chunk main() lands in.
    workerUrl,
    tsHooksUrl: new URL('./ts-hooks.js', import.meta.url),
    version,
    ...(prestartedWorker && { prestartedWorker }),
  },
  { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr },
).catch((error: unknown) => {
  process.stderr.write(`rehearse: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report it with the command you ran.\n`);
  return 2;
});
prestartedWorker?.dispose();
process.exitCode = code;
