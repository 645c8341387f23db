/** The `rehearse` command. Kept thin: everything it does is in `main`, which tests call directly. */
import { main } from './main.js';

const version = '0.1.0';
const code = await main(
  process.argv.slice(2),
  {
    // Resolved here, in the entry bundle, so they point beside dist/cli.js whatever chunk main() lands in.
    workerUrl: new URL('./worker.js', import.meta.url),
    tsHooksUrl: new URL('./ts-hooks.js', import.meta.url),
    version,
  },
  { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr },
).catch((error: unknown) => {
  process.stderr.write(`rehearse: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nPlease report it with the command you ran.\n`);
  return 2;
});
process.exitCode = code;
