// Reads a V8 CPU profile (.cpuprofile JSON) and prints where the time went: self time by source file and
// by function, and when key functions first and last ran. Shared by profile.mjs and phases.mjs.

/**
 * @param {object} profile a V8 CPU profile
 * @param {string} title what was profiled
 * @param {{ root: string, top?: number, originUs?: number, milestones?: string[] }} options originUs: a
 *   CLOCK_MONOTONIC time (us) that milestone times are shown relative to, e.g. when the process was spawned
 */
export function printProfile(profile, title, options) {
  const { root, top = 25, milestones = [] } = options;
  const origin = options.originUs ?? profile.startTime;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const selfUs = new Map();
  const first = new Map();
  const last = new Map();
  let now = profile.startTime;
  profile.samples.forEach((id, i) => {
    now += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
    if (milestones.length === 0) return;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = frameKey(byId.get(at).callFrame, root);
      if (!first.has(key)) first.set(key, now);
      last.set(key, now);
    }
  });
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id).callFrame;
    total += us;
    const key = frameKey(frame, root);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const fileKey = shortUrl(frame.url, root) || `(${frame.functionName || 'native'})`;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const idle = byFunction.get('(idle)') ?? 0;
  const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`;
  console.log(`\n== ${title}: ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms of it idle`);
  console.log('-- self time by file');
  for (const [key, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(us)}  ${key}`);
  console.log(`-- self time by function (top ${top})`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${key}`);
  if (milestones.length === 0) return;
  console.log('-- milestones (ms from the origin: first .. last sample with the function on the stack)');
  for (const [key, at] of [...first].sort((a, b) => a[1] - b[1])) {
    if (!milestones.some((m) => key.startsWith(`${m} `))) continue;
    console.log(`${((at - origin) / 1000).toFixed(0).padStart(6)} .. ${((last.get(key) - origin) / 1000).toFixed(0).padStart(6)}  ${key}`);
  }
}

function frameKey(frame, root) {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} ${shortUrl(frame.url, root)}:${frame.lineNumber + 1}` : name;
}

function shortUrl(url, root) {
  return url.replace(/^file:\/\//, '').replace(`${root}/`, '');
}
