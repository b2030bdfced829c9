/**
 * The call tree of one execution, compact enough to keep for every execution in results.json and to draw
 * in the report: the calls in causal pre-order, each with its depth, edge, outcome and injected fault.
 */
import type { EntryResponse } from '../server/execution.js';
import { describeFailure, type Call } from '../search/model.js';

export interface CallNode {
  /** 0 for calls the entry service made while serving the test; +1 per hop below. */
  depth: number;
  source: string;
  target: string;
  method: string;
  path: string;
  /** The status the caller got ("200"), the exception it met ("node.ECONNREFUSED"), or "no outcome". */
  outcome: string;
  /** The injected fault, when there was one ("503 on foo → bar (GET /bar)"). */
  fault?: string;
  /** Which of the test's requests the call served (its order in the test), when the test's preload said. */
  root?: number;
}

export type { EntryResponse };

/** The path of the original's host-stripped URL ("5001/movies/1" → "/movies/1"). */
export function pathOf(strippedUrl: string): string {
  const slash = strippedUrl.indexOf('/', strippedUrl.startsWith('//') ? 2 : 0);
  return slash >= 0 ? strippedUrl.slice(slash) : '/';
}

function depthOf(ei: string): number {
  // The EI text is a JSON list of frames; one frame per hop from the entry service.
  try {
    const frames = JSON.parse(ei) as unknown[];
    return Math.max(0, frames.length - 1);
  } catch {
    return 0;
  }
}

export function callTree(calls: readonly Call[]): CallNode[] {
  // Pre-order: a call deeper than the entry service serves the request its nearest depth-0 ancestor served.
  let root: number | undefined;
  return calls.map((c) => {
    const depth = depthOf(c.ei);
    if (depth === 0) root = c.rootSequence;
    return node(c, depth, root);
  });
}

function node(c: Call, depth: number, root: number | undefined): CallNode {
  return {
    depth,
    source: c.source,
    target: c.target ?? c.callee ?? String(c.args[0] ?? ''),
    method: c.method,
    path: pathOf(String(c.args[0] ?? '')),
    outcome: c.exception ? c.exception.name : c.returnValue ? c.returnValue.status_code : 'no outcome',
    ...(c.failure ? { fault: describeFailure(c.failure, c) } : {}),
    ...(root !== undefined ? { root } : {}),
  };
}

/** A call's start and end in ms since its execution opened; end null when its outcome never arrived. */
export type CallTime = [number, number | null];

/**
 * Per node of `callTree(calls)` (same order), when the call started and ended, for the report's
 * waterfall; undefined when the calls carry no times (journals of older versions).
 */
export function callTimes(calls: readonly Call[]): CallTime[] | undefined {
  if (calls.length === 0 || calls.some((c) => c.startMs === undefined)) return undefined;
  return calls.map((c) => [c.startMs!, c.endMs ?? null]);
}
