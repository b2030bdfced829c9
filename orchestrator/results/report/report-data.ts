/**
 * The executions of report.html as one compact JSON blob, which the page's script renders a page at a
 * time: 10⁴ executions would be 10⁴ table rows and their call trees in the DOM, which no browser draws
 * lightly. Compact because call trees repeat: every string is stored once (`strings`), every distinct
 * call (depth, edge, request, outcome, fault) once (`calls`), and an execution's tree is a list of call
 * numbers with its call times beside it. Failing executions come first, and carry what a reader needs to
 * act on them: the replay command, and the readable blocks (output, entry response, log lines) rendered
 * here as HTML, escaped, so the page's script only places them.
 */
import type { CallNode } from '../call-tree.js';
import type { ExecutionResult, RunResults } from '../run-results.js';
import { failureBlocks } from './failure-html.js';
import { faultEdge } from './matrix.js';

/** One execution as the page's script reads it; numbers in `f`, `e`, `k`, `t` index `strings`/`calls`. */
export interface ExecutionRow {
  /** Its number. */
  n: number;
  /** Verdict, or "pruned". */
  v: string;
  /** Fault descriptions. */
  f: number[];
  /** Edges the faults were injected on (a fault without a known edge has none). */
  e: number[];
  /** Fault kinds ("node.ECONNREFUSED", "503"). */
  k: number[];
  /** Duration in ms. */
  d?: number;
  /** Its trace id (--traces), and the trace's URL in a viewer (--trace-url). */
  i?: string;
  u?: string;
  /** The detail (error message) when it failed or was inconclusive. */
  x?: string;
  /** Counterexample, relative to the results folder. */
  c?: string;
  /** The command that replays it, as the CLI prints it. */
  r?: string;
  /** Its calls, in causal pre-order (indices into `calls`). */
  t?: number[];
  /** Per call, start and end in ms since the execution opened (end null: no outcome); flattened pairs. */
  m?: (number | null)[];
  /** Failing only: the readable blocks, as HTML. */
  h?: string;
  /** Pruned: the execution it was pruned as. */
  p?: number;
}

/** A distinct call: depth, source, target, method, path, outcome, fault (-1: none); strings by index. */
export type CallRow = [number, number, number, number, number, number, number];

export interface ReportData {
  strings: string[];
  calls: CallRow[];
  executions: ExecutionRow[];
  /** Edge labels and fault kinds present in the run, for the filters (indices into `strings`). */
  edges: number[];
  kinds: number[];
  /** Set when a failure cannot be replayed from the CLI (an in-process test): what to do instead. */
  replayNote?: string;
}

const FAILING = new Set(['fail', 'crash', 'hang', 'leak']);

export function isFailingResult(e: ExecutionResult): boolean {
  return e.status === 'ran' && FAILING.has(e.verdict ?? '');
}

/** "node.ECONNREFUSED on foo → bar (GET /bar)" → "node.ECONNREFUSED". */
export function faultKind(description: string): string {
  const space = description.indexOf(' ');
  return space < 0 ? description : description.slice(0, space);
}

class Interner<K> {
  readonly items: K[] = [];
  private readonly index = new Map<string, number>();
  private readonly keyOf: (item: K) => string;
  constructor(keyOf: (item: K) => string) {
    this.keyOf = keyOf;
  }
  id(item: K): number {
    const key = this.keyOf(item);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(item);
      this.index.set(key, i);
    }
    return i;
  }
}

class Builder {
  readonly strings = new Interner<string>((s) => s);
  readonly calls = new Interner<CallRow>((c) => c.join(','));
  readonly edges = new Set<number>();
  readonly kinds = new Set<number>();

  private readonly replay: ((counterexample: string) => string) | undefined;
  constructor(replay: ((counterexample: string) => string) | undefined) {
    this.replay = replay;
  }

  call(n: CallNode): number {
    const s = (text: string) => this.strings.id(text);
    return this.calls.id([n.depth, s(n.source), s(n.target), s(n.method), s(n.path), s(n.outcome), n.fault === undefined ? -1 : s(n.fault)]);
  }

  row(e: ExecutionResult): ExecutionRow {
    const edges = e.faults.map(faultEdge).filter((x): x is string => x !== undefined).map((x) => this.strings.id(x));
    const kinds = e.faults.map((f) => this.strings.id(faultKind(f.description)));
    edges.forEach((x) => this.edges.add(x));
    kinds.forEach((x) => this.kinds.add(x));
    const failing = isFailingResult(e);
    const row: ExecutionRow = { n: e.number, v: e.status === 'pruned' ? 'pruned' : (e.verdict ?? ''), f: e.faults.map((f) => this.strings.id(f.description)), e: edges, k: kinds };
    if (e.duration_ms !== undefined) row.d = e.duration_ms;
    if (e.trace_id) row.i = e.trace_id;
    if (e.trace_url) row.u = e.trace_url;
    if (e.detail && e.verdict !== 'pass') row.x = e.detail;
    if (e.counterexample) row.c = e.counterexample;
    if (e.counterexample && this.replay && failing) row.r = this.replay(e.counterexample);
    if (e.pruned_as !== undefined) row.p = e.pruned_as;
    if (e.tree) row.t = e.tree.map((n) => this.call(n));
    if (e.call_times) row.m = e.call_times.flat();
    if (failing) row.h = failureBlocks(e);
    return row;
  }
}

/**
 * The blob for `results`; `replay` names the command for a counterexample (absent: none can be given,
 * `replayNote` says why).
 */
export function reportData(results: RunResults, replay?: (counterexample: string) => string, replayNote?: string): ReportData {
  const b = new Builder(replay);
  const failing = results.executions.filter(isFailingResult);
  const rest = results.executions.filter((e) => !isFailingResult(e));
  const executions = [...failing, ...rest].map((e) => b.row(e));
  return {
    strings: b.strings.items,
    calls: b.calls.items,
    executions,
    edges: [...b.edges],
    kinds: [...b.kinds],
    ...(replayNote ? { replayNote } : {}),
  };
}

/** The blob as the text of a `<script type="application/json">`: nothing in it can close the element. */
export function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
