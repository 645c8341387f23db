#!/usr/bin/env node
// The published command. dist/ is built by `npm install` (the prepare script) and by `npm run build`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('rehearse: dist/cli.js is missing; run "npm run build" in the rehearse package first\n');
  process.exit(2);
}
await import(cli.href);
