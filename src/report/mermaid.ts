import type { TrajectoryStep } from '../model/index.js';
import { mermaidLabel } from './escape.js';
import type { TrajectoryComparison } from './trajectory.js';

/** Steps drawn per side; long trajectories show a window around the departure and a "… N more" node. */
const DEFAULT_MAX_NODES = 12;

/**
 * Mermaid `flowchart` source: the recorded tool sequence above the replayed one, the departing steps marked
 * red and joined by a dotted "diverged" edge. Every label goes through `mermaidLabel`, so tool names cannot
 * break out of their node. Returns the diagram body, without the code fence.
 */
export function trajectoryFlowchart(t: TrajectoryComparison, maxNodes = DEFAULT_MAX_NODES): string {
  const at = t.departure?.step;
  // Start a few steps before the departure so the context leading into it stays visible.
  const first = at === undefined ? 0 : Math.max(0, Math.min(at - 2, Math.max(t.recorded.length, t.replayed.length) - maxNodes));
  const lines = ['flowchart LR'];
  const recordedIds = side(lines, 'recorded', 'r', 'recorded', t.recorded, first, maxNodes);
  const replayedIds = side(lines, 'replayed', 'p', 'replayed', t.replayed, first, maxNodes);
  if (at !== undefined) {
    const r = recordedIds.get(at);
    const p = replayedIds.get(at);
    if (r && p) lines.push(`  ${r} -. diverged .-> ${p}`);
    const marked = [r, p].filter((id): id is string => id !== undefined);
    lines.push('  classDef diverged fill:#ffdce0,stroke:#cf222e,color:#000');
    if (marked.length > 0) lines.push(`  class ${marked.join(',')} diverged`);
  }
  return lines.join('\n');
}

/** Writes one subgraph; returns step index → node id for the steps drawn. */
function side(
  lines: string[],
  id: string,
  prefix: string,
  title: string,
  steps: TrajectoryStep[],
  first: number,
  maxNodes: number,
): Map<number, string> {
  const ids = new Map<number, string>();
  lines.push(`  subgraph ${id}["${title}"]`, '    direction LR');
  const nodes: string[] = [];
  if (first > 0) {
    nodes.push(`${prefix}_before["… ${first} earlier"]`);
  }
  const last = Math.min(steps.length, first + maxNodes);
  for (let i = first; i < last; i++) {
    const step = steps[i] as TrajectoryStep;
    const nodeId = `${prefix}${i}`;
    ids.set(i, nodeId);
    nodes.push(`${nodeId}["${i + 1}. ${mermaidLabel(step.tool)}${step.failed ? ' failed' : ''}"]`);
  }
  if (steps.length > last) nodes.push(`${prefix}_after["… ${steps.length - last} more"]`);
  if (nodes.length === 0) nodes.push(`${prefix}_none["no tool calls"]`);
  lines.push(`    ${nodes.join(' --> ')}`, '  end');
  return ids;
}
