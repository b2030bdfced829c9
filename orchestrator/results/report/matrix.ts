/**
 * The resiliency matrix: for each entry point the test called and each dependency edge (caller → callee),
 * what the single-fault executions on that edge did, worst case over the fault types:
 *   - up: the test passed and the entry point answered exactly as in the fault-free execution;
 *   - degraded: the test passed but the entry point's answer differed, or a `sometimes` property (a
 *     fallback the test or a service marks as reached) held in that execution;
 *   - leak: the test passed, but a call was left open after it (a confirmed leak): worse than degraded,
 *     since the answer was right but the service holds a socket per request, better than down;
 *   - down: the test failed (assertion, hang);
 *   - crash: a service crashed.
 * A pruned single-fault execution counts as the execution dynamic reduction pruned it as (it would have
 * shown the same), so an edge whose faults crash a service reads "crash", not "pruned". A cell whose
 * executions were all pruned without such a record stays "pruned"; "untested" when the catalogue had no
 * fault for that edge; "none" (a dash) where the entry point never called the edge, in any execution.
 * Entry points are named by their templated path ("accounts GET /accounts/:id"), so one row stands for
 * every id the test used.
 * Columns are the edges of the call trees and the edges recorded with the faults (results.json).
 */
import type { ExecutionResult, FaultEdge, FaultEntry, RunResults } from '../run-results.js';
import type { CallNode, EntryResponse } from '../call-tree.js';

export type CellState = 'none' | 'untested' | 'pruned' | 'up' | 'degraded' | 'leak' | 'down' | 'crash';

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

const RANK: Record<CellState, number> = { none: -1, untested: 0, pruned: 1, up: 2, degraded: 3, leak: 4, down: 5, crash: 6 };
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

/** "accounts GET /accounts/:id": the entry point, by its templated path when the service sent one. */
export function entryKey(e: Pick<EntryResponse, 'service' | 'method' | 'path' | 'template'>): string {
  return `${e.service} ${e.method} ${e.template ?? e.path}`;
}

function nodeEdge(node: CallNode): string {
  return `${node.source} → ${node.target}`;
}

/**
 * Which edges each entry point called, over every execution that ran: a call belongs to the test's
 * request it served (`root` in the call tree, `root_sequence` of the entry response). Undefined when some
 * execution cannot say (no root recorded: Python services, older files): then no cell is a dash.
 */
function edgesByEntry(executions: readonly ExecutionResult[]): Map<string, Set<string>> | undefined {
  const out = new Map<string, Set<string>>();
  for (const e of executions) {
    if (e.status !== 'ran' || !e.tree || e.tree.length === 0) continue;
    const entryOfRoot = new Map<number, string>();
    for (const r of e.entry ?? []) if (r.root_sequence !== undefined) entryOfRoot.set(r.root_sequence, entryKey(r));
    for (const node of e.tree) {
      const entry = node.root === undefined ? undefined : entryOfRoot.get(node.root);
      if (entry === undefined) return undefined;
      (out.get(entry) ?? out.set(entry, new Set()).get(entry)!).add(nodeEdge(node));
    }
  }
  return out;
}

function stateOf(e: ExecutionResult, entry: string, baseline: Map<string, string>): CellState {
  if (e.verdict === 'crash') return 'crash';
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
  const byNumber = new Map(results.executions.map((e) => [e.number, e]));
  const called = edgesByEntry(results.executions);

  const edges: string[] = [];
  const seenEdges = new Set<string>();
  const addEdge = (edge: string) => {
    if (seenEdges.has(edge)) return;
    seenEdges.add(edge);
    edges.push(edge);
  };
  for (const e of results.executions) for (const node of e.tree ?? []) addEdge(nodeEdge(node));

  const cells: ResiliencyMatrix['cells'] = {};
  const cellOf = (entry: string, edge: string): MatrixCell => {
    const row = (cells[entry] ??= {});
    const never = called !== undefined && entry !== THE_TEST && !called.get(entry)?.has(edge);
    return (row[edge] ??= { state: never ? 'none' : 'untested', executions: [] });
  };
  for (const entry of entryPoints) for (const edge of edges) cellOf(entry, edge);
  for (const e of results.executions) {
    if (e.faults.length !== 1) continue;
    const edge = faultEdge(e.faults[0]);
    if (!edge) continue;
    addEdge(edge);
    // A pruned execution would have shown what the execution it was pruned as showed.
    const shown = e.status === 'pruned' ? (e.pruned_as !== undefined ? byNumber.get(e.pruned_as) : undefined) : e;
    for (const entry of entryPoints) {
      const cell = cellOf(entry, edge);
      cell.executions.push(e.number);
      if (cell.state === 'none') continue;
      const state: CellState = shown && shown.status === 'ran' ? stateOf(shown, entry, baseline) : 'pruned';
      if (RANK[state] > RANK[cell.state]) cell.state = state;
    }
  }
  return { entryPoints, edges, cells };
}
