// The floor: only the work no harness can avoid. List the case files, read and JSON.parse each, and call
// the same agent function the benchmark replays, with plain stub tools answering from the parsed case.
// Nothing else: no validation, no scope, no assertions, no results file. Usage: node bench/floor.mjs DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
const { createAgent } = await import(pathToFileURL(join(dir, 'agent-core.mjs')).href);
const suites = join(dir, 'suites');

let current;
const recorded = (name) => async () => current.timeline.find((e) => e.type === 'tool' && e.name === name).result;
const agent = createAgent({ lookupOrder: recorded('lookup_order'), getCustomer: recorded('get_customer') });

let replies = 0;
for (const entry of readdirSync(suites, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.case.json')) continue;
  current = JSON.parse(readFileSync(join(suites, entry), 'utf8'));
  const output = await agent(current.input);
  if (output.reply) replies++;
}
// The count proves the work was done; the parent checks it.
process.stdout.write(`${replies}\n`);
