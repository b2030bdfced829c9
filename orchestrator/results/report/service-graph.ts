/**
 * report.html's picture of the services: the call graph as inline SVG (no library, nothing fetched). One
 * box per service, in columns by distance from the test (the test's column first, then the entry
 * services, then what they call); one arrow per caller → callee, coloured by the worst state the
 * resiliency matrix gives that edge over its entry points, and linking to the list of the executions that
 * faulted it (the executions filter, in the page's URL).
 */
import type { RunResults } from '../run-results.js';
import { htmlEscape } from './html-escape.js';
import { resiliencyMatrix, type CellState, type ResiliencyMatrix } from './matrix.js';

const RANK: Record<CellState, number> = { none: -1, untested: 0, pruned: 1, up: 2, degraded: 3, leak: 4, down: 5, crash: 6 };
const THE_TEST = 'the test';
const BOX_W = 150;
const BOX_H = 34;
const COL_GAP = 110;
const ROW_GAP = 22;

interface GraphEdge {
  caller: string;
  callee: string;
  label: string;
  state: CellState;
}

/** The worst state of an edge over the entry points that called it. */
export function edgeState(m: ResiliencyMatrix, edge: string): CellState {
  let worst: CellState = 'none';
  for (const entry of m.entryPoints) {
    const state = m.cells[entry]?.[edge]?.state ?? 'none';
    if (RANK[state] > RANK[worst]) worst = state;
  }
  return worst;
}

function split(label: string): [string, string] {
  const i = label.indexOf(' → ');
  return [label.slice(0, i), label.slice(i + 3)];
}

/** Column of each service: shortest distance from the test (entry services 1); unreached callers after. */
function columns(edges: readonly GraphEdge[], entries: readonly string[]): Map<string, number> {
  const col = new Map<string, number>([[THE_TEST, 0]]);
  let frontier = [...entries];
  for (const s of frontier) col.set(s, 1);
  const callees = new Map<string, string[]>();
  for (const e of edges) (callees.get(e.caller) ?? callees.set(e.caller, []).get(e.caller)!).push(e.callee);
  for (let depth = 2; frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const s of frontier) for (const c of callees.get(s) ?? []) if (!col.has(c)) col.set(c, depth), next.push(c);
    frontier = next;
  }
  // Callers the test never reached through an entry service (no entry responses recorded): leftmost.
  for (const e of edges) if (!col.has(e.caller)) col.set(e.caller, 1);
  for (const e of edges) if (!col.has(e.callee)) col.set(e.callee, (col.get(e.caller) ?? 1) + 1);
  return col;
}

interface Arrow {
  d: string;
  /** Where its label goes: the middle of the curve. */
  mid: { x: number; y: number };
}

function arrow(from: { x: number; y: number }, to: { x: number; y: number }): Arrow {
  if (to.x > from.x) {
    const x1 = from.x + BOX_W;
    const mid = (x1 + to.x) / 2;
    return { d: `M${x1},${from.y} C${mid},${from.y} ${mid},${to.y} ${to.x - 2},${to.y}`, mid: { x: mid, y: (from.y + to.y) / 2 } };
  }
  // A call back to the same column or leftwards: loop over the boxes.
  const x1 = from.x + BOX_W / 2;
  const x2 = to.x + BOX_W / 2;
  const top = Math.min(from.y, to.y) - BOX_H;
  return { d: `M${x1},${from.y - BOX_H / 2} C${x1},${top} ${x2},${top} ${x2},${to.y - BOX_H / 2 - 2}`, mid: { x: (x1 + x2) / 2, y: top + BOX_H / 4 } };
}

/** The graph of `results`, or a sentence when no call was seen. */
export function serviceGraph(results: RunResults): string {
  const m = resiliencyMatrix(results);
  if (m.edges.length === 0) return '<p class="muted">No call between services was seen.</p>';
  const edges: GraphEdge[] = m.edges.map((label) => {
    const [caller, callee] = split(label);
    return { caller, callee, label, state: edgeState(m, label) };
  });
  const entries = [...new Set(results.executions.flatMap((e) => (e.entry ?? []).map((r) => r.service)))];
  const col = columns(edges, entries);
  const byCol = new Map<number, string[]>();
  for (const [service, c] of col) if (service !== THE_TEST || entries.length > 0) (byCol.get(c) ?? byCol.set(c, []).get(c)!).push(service);
  const pos = new Map<string, { x: number; y: number }>();
  let height = 0;
  for (const [c, services] of byCol) {
    services.forEach((s, i) => pos.set(s, { x: 10 + c * (BOX_W + COL_GAP), y: 10 + BOX_H / 2 + BOX_H + i * (BOX_H + ROW_GAP) }));
    height = Math.max(height, 10 + BOX_H + services.length * (BOX_H + ROW_GAP) + BOX_H);
  }
  const width = 20 + (Math.max(...byCol.keys()) + 1) * (BOX_W + COL_GAP) - COL_GAP;
  const boxes = [...pos].map(([s, p]) => `<g class="service${s === THE_TEST ? ' test' : ''}" data-service="${htmlEscape(s)}"><rect x="${p.x}" y="${p.y - BOX_H / 2}" width="${BOX_W}" height="${BOX_H}" rx="6"/><text x="${p.x + BOX_W / 2}" y="${p.y + 4}" text-anchor="middle">${htmlEscape(s)}</text></g>`);
  const entryArrows = entries.map((s) => `<path class="entry-edge" d="${arrow(pos.get(THE_TEST)!, pos.get(s)!).d}" marker-end="url(#arrow-entry)"/>`);
  const edgeArrows = edges.map((e) => {
    const href = `#filter:edge=${encodeURIComponent(e.label)}`;
    const a = arrow(pos.get(e.caller)!, pos.get(e.callee)!);
    // The state in words too (colour alone does not say it to everyone), and a target wider than a line.
    const label = `<text class="edge-label state-${e.state}" x="${a.mid.x}" y="${a.mid.y - 6}" text-anchor="middle">${e.state}</text>`;
    return `<a class="graph-edge" href="${htmlEscape(href)}" data-edge="${htmlEscape(e.label)}" data-state="${e.state}"><title>${htmlEscape(`${e.label}: ${e.state} (show the executions that faulted it)`)}</title><path class="edge-line state-${e.state}" d="${a.d}" marker-end="url(#arrow-${e.state})"/>${label}</a>`;
  });
  const markers = ['entry', ...Object.keys(RANK)].map((s) => `<marker id="arrow-${s}" class="state-${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`);
  const legend = Object.keys(RANK).filter((s) => s !== 'none').map((s) => `<span class="legend state-${s}">${s}</span>`).join(' ');
  return `<svg class="service-graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="call graph of the services"><defs>${markers.join('')}</defs>${entryArrows.join('')}${edgeArrows.join('')}${boxes.join('')}</svg>
<p class="muted">Each arrow: a caller → callee edge, coloured by its worst cell in the resiliency matrix: ${legend}. Click an arrow to list the executions that faulted it.</p>`;
}
