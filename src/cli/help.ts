export const HELP = `rehearse: replay an agent's captured failures as a regression suite

Usage:
  rehearse run [cases...]        Replay cases (files, folders or globs; default: the config's "cases")
  rehearse compare --base FILE --head FILE
                                 Classify head results against base results
  rehearse report --from FILE    Render reporters from a saved results file

Options for run:
  --config FILE          Config file (default: rehearse.config.{ts,mts,js,mjs,json} in the working directory)
  --filter TEXT          Only cases whose suite/id or title contains TEXT (or matches /regex/flags)
  --tag TAG              Only cases with this tag (repeatable)
  --repeat N             Run each case N times (pass rate, flakiness)
  --model MODE           How model calls are answered: recorded (from the case), cached (live, then from
                         .rehearse/cache), live (the real model); overrides the config and the cases
  --concurrency N        Cases run at once (default 8)
  --out FILE             Results file (default rehearse-results.json)
  --baseline [FILE]      Compare with a baseline results file (default .rehearse/baseline.json)
  --save-baseline [FILE] Also write the results as the baseline for later runs
  --fail-on WHEN         regressed (default: exit 1 on regressed or errored), failing (also still-failing
                         and flaky), never
  --reporter NAME        terminal, markdown, summary, junit, json, or a module path (repeatable)
  --json                 Print the results JSON on stdout instead of the terminal report
  --shard I/N            Run only shard I of N (a stable split by case file path; see docs/sharding.md)
  --shard-durations FILE Balance the split by the case durations in an earlier results file
  --run-group NAME       Names the run its shards belong to (default: the GitHub run id, else the commit)

Options for compare and report:
  --base FILE / --head FILE / --from FILE / --baseline FILE / --reporter NAME / --fail-on WHEN

Exit codes: 0 nothing regressed or errored (per --fail-on), 1 something did, 2 usage or config error.
`;
