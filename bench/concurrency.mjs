#!/usr/bin/env node
// Concurrency when the agent waits on I/O (live model calls): 200 cases whose agent waits 200 ms per
// model call (one call per case, simulated with a timer), run at concurrency 16. The ideal is
// ceil(200 / 16) x 200 ms = 2.6 s; the aim is to finish within 110% of it, start-up included.
// Usage: node bench/concurrency.mjs [--cases 200] [--concurrency 16] [--wait-ms 200] [--json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    'wait-ms': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
});
const cases = Number(values.cases);
const concurrency = Number(values.concurrency);
const waitMs = Number(values['wait-ms']);

const dir = join(root, 'bench/.work/concurrency');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'suites/io'), { recursive: true });
mkdirSync(join(dir, 'node_modules'), { recursive: true });
symlinkSync(root, join(dir, 'node_modules/rehearse'), 'dir');
writeFileSync(
  join(dir, 'agent.mjs'),
  `import { recordable } from 'rehearse';
const lookup = recordable('lookup_order', async () => ({ status: 'live' }));
// Stands in for a live model call: the case waits on I/O, not on the CPU.
const model = () => new Promise((resolve) => setTimeout(resolve, ${waitMs}, 'shipped'));
export async function agent(input) {
  const order = await lookup({ orderId: input.orderId });
  const answer = await model();
  return { reply: \`Order \${input.orderId} is \${order.status === answer ? answer : 'unknown'}.\` };
}
`,
);
writeFileSync(join(dir, 'rehearse.config.json'), JSON.stringify({ agent: { module: './agent.mjs', export: 'agent' }, concurrency }));
for (let i = 0; i < cases; i++) {
  const id = `io-${String(i).padStart(4, '0')}`;
  const orderId = `A-${1000 + i}`;
  writeFileSync(
    join(dir, 'suites/io', `${id}.case.json`),
    JSON.stringify({
      format: 'rehearse.case',
      version: 1,
      id,
      title: `order ${orderId}`,
      input: { orderId },
      timeline: [{ type: 'tool', name: 'lookup_order', args: { orderId }, result: { status: 'shipped' } }],
      outcome: { status: 'ok' },
      assertions: [{ type: 'contains', path: '/reply', value: 'shipped' }],
    }),
  );
}

const bare = time([process.execPath, '-e', '0']);
const runs = [];
for (let k = 0; k < 3; k++) runs.push(time([process.execPath, join(root, 'bin/rehearse.js'), 'run', '--out', join(dir, 'results.json')]));
const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
if (results.totals.passed !== cases) throw new Error(`expected ${cases} passing cases, got ${JSON.stringify(results.totals)}`);
const wall = runs.sort((a, b) => a - b)[1];
const ideal = Math.ceil(cases / concurrency) * waitMs;
const ratio = wall / ideal;
// The same run's 1-case time is the fixed start-up cost; what is left is the scheduling of the I/O-bound cases.
const oneCase = time([process.execPath, join(root, 'bin/rehearse.js'), 'run', 'suites/io/io-0000.case.json', '--out', join(dir, 'one.json')]);
const scheduled = (wall - (oneCase - waitMs)) / ideal;
// The same run against an ideal that includes starting the Node runtime itself (a bare `node -e 0`), which
// no tool written for Node can avoid: on a slow machine that alone is several percent of the ideal.
const withRuntime = wall / (ideal + bare);
const figures = { cases, concurrency, waitMs, idealMs: ideal, wallMs: Math.round(wall), ratio: Number(ratio.toFixed(3)), oneCaseMs: Math.round(oneCase), ratioWithoutStartup: Number(scheduled.toFixed(3)), nodeStartMs: Math.round(bare), ratioWithRuntimeStart: Number(withRuntime.toFixed(3)), withinAim: ratio <= 1.1 };
if (values.json) console.log(JSON.stringify(figures));
else {
  console.log(`${cases} cases x ${waitMs} ms of I/O at concurrency ${concurrency}: ideal ${ideal} ms`);
  console.log(`rehearse run (median of 3, start-up included): ${Math.round(wall)} ms = ${(ratio * 100).toFixed(1)}% of ideal (aim <= 110%: ${ratio <= 1.1 ? 'PASS' : 'MISS'})`);
  console.log(`without start-up (a 1-case run took ${Math.round(oneCase)} ms, ${waitMs} ms of it waiting): ${(scheduled * 100).toFixed(1)}% of ideal; node -e 0 took ${Math.round(bare)} ms in the same run`);
  console.log(`against the ideal plus Node's own start (${ideal} + ${Math.round(bare)} ms): ${(withRuntime * 100).toFixed(1)}%`);
}

function time(argv) {
  const started = performance.now();
  const child = spawnSync(argv[0], argv.slice(1), { cwd: dir, stdio: 'ignore' });
  if (child.status !== 0 && child.status !== 1) throw new Error(`${argv.join(' ')} exited ${child.status}`);
  return performance.now() - started;
}
