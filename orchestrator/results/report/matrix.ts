/**
 * The resiliency matrix: for each entry point the test called and each dependency edge (caller → callee),
 * what the single-fault executions on that edge did to the test, worst case over the fault types:
 *   - up: the test passed and the entry point answered exactly as in the fault-free execution;
 *   - degraded: the test passed but the entry point's answer differed, or a `sometimes` property (a
 *     fallback the test or a service marks as reached) held in that execution;
 *   - leak: the test passed, but a call was left open after it (a confirmed leak): worse than degraded,
 *     since the answer was right but the service holds a socket per request, better than down;
 *   - down: the test failed (assertion, crash or hang).
 * A cell with no single-fault execution is "pruned" when dynamic reduction skipped them all (their
 * outcome equals one already seen), or "untested" when the catalogue had no fault for that edge.
 * Columns are the edges of the call trees and the edges recorded with the faults (results.json).
 */
import type { ExecutionResult, FaultEdge, FaultEntry, RunResults } from '../run-results.js';

export type CellState = 'up' | 'degraded' | 'leak' | 'down' | 'pruned' | 'untested';

export interface MatrixCell {
  state: CellState;
  /** Numbers of the single-fault executions behind the cell. */
  executions: number[];
}

export interface ResiliencyMatrix {
  /** "foo GET /foo", or "the test" when no entry service reported its responses. */
  entryPoints: string[];
  /** "foo → bar", in the order first seen. */
  edges: string[];
  /** cells[entry][edge] */
  cells: Record<string, Record<string, MatrixCell>>;
}

const RANK: Record<CellState, number> = { untested: 0, pruned: 1, up: 2, degraded: 3, leak: 4, down: 5 };
const THE_TEST = 'the test';

/** A column label: "foo → bar", or "foo → ?" when no client named the callee. */
export function edgeLabel(edge: FaultEdge): string {
  return `${edge.caller} → ${edge.callee ?? '?'}`;
}

/**
 * "503 on foo → bar (GET /bar)" → "foo → bar". Only for fault entries without a recorded edge: results
 * of runs resumed from a journal written before the edge was recorded.
 */
export function edgeOfDescription(description: string): string | undefined {
  const m = / on (.+? → .+?) \(/.exec(description) ?? / on (.+? → .+)$/.exec(description);
  return m?.[1];
}

/** The edge a fault was injected on: as recorded, else read from its description (older files). */
export function faultEdge(fault: FaultEntry): string | undefined {
  return fault.edge ? edgeLabel(fault.edge) : edgeOfDescription(fault.description);
}

function entryKey(e: { service: string; method: string; path: string }): string {
  return `${e.service} ${e.method} ${e.path}`;
}

function stateOf(e: ExecutionResult, entry: string, baseline: Map<string, string>): CellState {
  if (e.verdict === 'leak') return 'leak';
  if (e.verdict !== 'pass') return 'down';
  if (e.properties?.some((p) => p.kind === 'sometimes' && p.held > 0)) return 'degraded';
  if (entry === THE_TEST) return 'up';
  const seen = e.entry?.find((r) => entryKey(r) === entry);
  if (!seen) return 'degraded'; // the test did not reach this entry point under the fault
  return `${seen.status} ${seen.body_md5}` === baseline.get(entry) ? 'up' : 'degraded';
}

export function resiliencyMatrix(results: RunResults): ResiliencyMatrix {
  const faultFree = results.executions.find((e) => e.status === 'ran' && e.faults.length === 0);
  const baseline = new Map<string, string>();
  for (const r of faultFree?.entry ?? []) if (!baseline.has(entryKey(r))) baseline.set(entryKey(r), `${r.status} ${r.body_md5}`);
  const entryPoints = baseline.size > 0 ? [...baseline.keys()] : [THE_TEST];

  const edges: string[] = [];
  const seenEdges = new Set<string>();
  const addEdge = (edge: string) => {
    if (!seenEdges.has(edge)) {
      seenEdges.add(edge);
      edges.push(edge);
    }
  };
  for (const e of results.executions) for (const node of e.tree ?? []) addEdge(`${node.source} → ${node.target}`);

  const cells: ResiliencyMatrix['cells'] = {};
  for (const entry of entryPoints) {
    cells[entry] = {};
    for (const edge of edges) cells[entry][edge] = { state: 'untested', executions: [] };
  }
  for (const e of results.executions) {
    if (e.faults.length !== 1) continue;
    const edge = faultEdge(e.faults[0]);
    if (!edge) continue;
    addEdge(edge);
    for (const entry of entryPoints) {
      const cell = (cells[entry][edge] ??= { state: 'untested', executions: [] });
      cell.executions.push(e.number);
      const state: CellState = e.status === 'pruned' ? 'pruned' : stateOf(e, entry, baseline);
      if (RANK[state] > RANK[cell.state]) cell.state = state;
    }
  }
  return { entryPoints, edges, cells };
}
