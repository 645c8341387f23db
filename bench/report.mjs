// Turns the measured figures into derived costs, a verdict per target, and the printed table.
// Pure: no I/O, so the numbers a reader sees are exactly the ones `--json` prints.

/** Peers measured together on this machine at 5,000 trivial cases (not re-timed by this benchmark). */
export const PEERS_5000_MS = [
  ['Braintrust Eval (offline)', 660],
  ['vitest 4 (plain)', 910],
  ['promptfoo 0.123 (lean flags)', 5900],
];

/**
 * Derives cold start, per-case costs and ratios, and judges each target.
 * @returns {{ derived: Record<string, number | undefined>, targets: { name: string, level: 'aim' | 'ceiling', actual: string, pass: boolean | undefined }[] }}
 */
export function evaluate(figures, meta) {
  const t = (name) => figures.find((f) => f.name === name);
  const [small, mid, big] = meta.sizes.length === 3 ? meta.sizes : [meta.sizes[0], meta.sizes[0], meta.sizes[1]];
  const node = t('node -e 0').medianMs;
  const cold = t(`rehearse ${small}`).medianMs;
  const floorCold = t(`floor ${small}`).medianMs;
  const coldTs = t('rehearse ts 1')?.medianMs;
  // Marginal cost per case between the two largest sizes: start-up cancels out.
  const perCase = (t(`rehearse ${big}`).medianMs - t(`rehearse ${mid}`).medianMs) / (big - mid);
  const floorPerCase = (t(`floor ${big}`).medianMs - t(`floor ${mid}`).medianMs) / (big - mid);
  const at5000 = t('rehearse 5000')?.medianMs;
  const cpu = (name) => t(name).cpuMs;
  const hasCpu = [`rehearse ${big}`, `rehearse ${mid}`, `floor ${big}`, `floor ${mid}`].every((name) => cpu(name) !== undefined);
  const floor5000 = t('floor 5000')?.medianMs;
  const rss10000 = t('rehearse 10000')?.rssBytes;
  const derived = {
    nodeMs: node,
    coldMs: cold,
    coldOverNode: cold / node,
    coldOverFloor: cold / floorCold,
    coldTsMs: coldTs,
    coldTsOverNode: coldTs === undefined ? undefined : coldTs / node,
    perCaseUs: perCase * 1000,
    floorPerCaseUs: floorPerCase * 1000,
    perCaseOverFloor: perCase / floorPerCase,
    // What a run costs before its first case: the largest run minus its cases at the marginal rate.
    fixedMs: t(`rehearse ${big}`).medianMs - big * perCase,
    floorFixedMs: t(`floor ${big}`).medianMs - big * floorPerCase,
    at5000Ms: at5000,
    at5000OverFloor: at5000 !== undefined ? at5000 / floor5000 : undefined,
    rss10000Bytes: rss10000,
    perCaseCpuUs: hasCpu ? ((cpu(`rehearse ${big}`) - cpu(`rehearse ${mid}`)) / (big - mid)) * 1000 : undefined,
    floorPerCaseCpuUs: hasCpu ? ((cpu(`floor ${big}`) - cpu(`floor ${mid}`)) / (big - mid)) * 1000 : undefined,
  };
  const ms = (v) => `${Math.round(v)} ms`;
  const targets = [
    { name: '5,000 cases, start-up included, <= 330 ms', level: 'aim', actual: at5000 === undefined ? 'n/a (--quick)' : ms(at5000), pass: at5000 === undefined ? undefined : at5000 <= 330 },
    { name: 'cold start (1 case) <= 4x node -e 0', level: 'aim', actual: `${derived.coldOverNode.toFixed(2)}x (${ms(cold)})`, pass: derived.coldOverNode <= 4 },
    {
      name: 'cold start, TypeScript agent <= 4x node -e 0',
      level: 'aim',
      actual: coldTs === undefined ? 'n/a' : `${derived.coldTsOverNode.toFixed(2)}x (${ms(coldTs)})`,
      pass: coldTs === undefined ? undefined : derived.coldTsOverNode <= 4,
    },
    { name: 'per-case cost <= 40 us (PERFORMANCE.md budget)', level: 'aim', actual: `${derived.perCaseUs.toFixed(1)} us`, pass: derived.perCaseUs <= 40 },
    { name: 'peak RSS at 10,000 cases < 300 MB', level: 'aim', actual: rss10000 === undefined ? 'n/a' : mb(rss10000), pass: rss10000 === undefined ? undefined : rss10000 < 300 * 1e6 },
    { name: 'issue #2: 5,000 cases < 1.0 s', level: 'ceiling', actual: at5000 === undefined ? 'n/a (--quick)' : ms(at5000), pass: at5000 === undefined ? undefined : at5000 < 1000 },
    { name: 'issue #2: per-case overhead < 150 us', level: 'ceiling', actual: `${derived.perCaseUs.toFixed(1)} us`, pass: derived.perCaseUs < 150 },
    { name: 'issue #2: cold start < 400 ms', level: 'ceiling', actual: ms(cold), pass: cold < 400 },
  ];
  return { derived, targets };
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** The human report. */
export function renderTable(figures, meta, { derived, targets }) {
  const node = derived.nodeMs;
  const floorOf = (f) => figures.find((g) => g.kind === 'floor' && g.n === f.n);
  const isRehearse = (f) => f.kind === 'rehearse' || f.kind === 'rehearse-ts';
  const lines = [];
  lines.push('');
  lines.push(`rehearse bench · Node ${meta.node} · ${meta.cpus} CPUs · load ${meta.load.map((l) => l.toFixed(1)).join(' -> ')} · cases ~${(meta.caseBytes / 1000).toFixed(1)} KB${meta.quick ? ' · --quick' : ''}`);
  lines.push('wall time of the whole process, median of K runs interleaved with the yardsticks; ratios are within this run');
  lines.push('cpu = user + system time of the process (all its threads), mean of the K runs, 10 ms resolution');
  lines.push('');
  const head = ['', 'K', 'median', 'min..max', 'cpu', 'peak RSS', 'x node -e 0', 'x floor'];
  const rows = figures.map((f) => {
    const floor = isRehearse(f) ? floorOf(f) : undefined;
    return [
      label(f),
      String(f.k),
      `${f.medianMs.toFixed(0)} ms`,
      `${f.minMs.toFixed(0)}..${f.maxMs.toFixed(0)}`,
      f.cpuMs === undefined ? 'n/a' : `${f.cpuMs.toFixed(0)} ms`,
      f.rssBytes === undefined ? 'n/a' : mb(f.rssBytes),
      f.kind === 'yardstick' ? '' : `${(f.medianMs / node).toFixed(2)}x`,
      floor ? `${(f.medianMs / floor.medianMs).toFixed(2)}x` : '',
    ];
  });
  lines.push(...columns([head, ...rows]));
  lines.push('');
  lines.push(`per case (marginal, between the two largest runs): rehearse ${derived.perCaseUs.toFixed(1)} us, floor ${derived.floorPerCaseUs.toFixed(1)} us -> ${derived.perCaseOverFloor.toFixed(2)}x the floor, ${(derived.perCaseUs - derived.floorPerCaseUs).toFixed(1)} us of harness per case`);
  if (derived.perCaseCpuUs !== undefined) {
    lines.push(`per case in CPU time (steadier on a busy machine): rehearse ${derived.perCaseCpuUs.toFixed(1)} us, floor ${derived.floorPerCaseCpuUs.toFixed(1)} us`);
  }
  // An extrapolation: only worth printing when the machine was quiet enough for it to come out sane.
  if (node <= 100 && derived.fixedMs > 0 && derived.floorFixedMs > 0) {
    lines.push(`fixed cost (start-up and shut-down, extrapolated to 0 cases): rehearse ${derived.fixedMs.toFixed(0)} ms, floor ${derived.floorFixedMs.toFixed(0)} ms, node -e 0 ${node.toFixed(0)} ms`);
  }
  if (derived.at5000Ms !== undefined) {
    lines.push(`for scale, peers at 5,000 cases measured earlier on a quiet machine (not re-timed here): ${PEERS_5000_MS.map(([n, v]) => `${n} ${(v / 1000).toFixed(2)} s`).join(', ')}`);
  }
  lines.push('');
  lines.push(...columns([['target', 'actual', ''], ...targets.map((t) => [`${t.level === 'ceiling' ? '  ' : ''}${t.name}`, t.actual, t.pass === undefined ? '-' : t.pass ? 'PASS' : 'MISS'])]));
  if (node > 100) {
    lines.push('');
    lines.push(`busy machine: node -e 0 took ${node.toFixed(0)} ms (about 50 ms when quiet), so absolute times are inflated; compare ratios, or rerun when it is quieter`);
  }
  const spread = figures.filter((f) => f.k >= 3 && f.maxMs > f.minMs * 1.5);
  if (spread.length > 0) {
    lines.push('');
    lines.push(`noisy: ${spread.map((f) => label(f)).join(', ')} spread over 1.5x between runs (shared machine?); rerun before trusting small differences`);
  }
  lines.push(`(${meta.seconds.toFixed(0)} s in all)`);
  lines.push('');
  return lines.join('\n');
}

function label(f) {
  if (f.kind === 'yardstick') return f.name;
  const n = f.n.toLocaleString('en');
  const cases = `${n} case${f.n === 1 ? '' : 's'}`;
  if (f.kind === 'floor') return `floor, ${cases}`;
  return f.kind === 'rehearse-ts' ? `rehearse run, ${cases}, TS agent` : `rehearse run, ${cases}`;
}

function columns(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}
