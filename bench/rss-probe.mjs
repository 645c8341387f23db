// Preloaded (node --import) only when /usr/bin/time is missing: writes the process's peak RSS in KiB to
// $REHEARSE_BENCH_RSS_FILE as it exits. Worker threads share the process, so their memory is included.
import { writeFileSync } from 'node:fs';

const file = process.env.REHEARSE_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
