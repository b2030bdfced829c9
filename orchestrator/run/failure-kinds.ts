/**
 * Kinds of failure: the failure groups of a run (each a minimal fault set, or a signature where triage
 * was cut short) gathered by what a developer would call one bug. One missing compensation on an edge
 * fails the test under a 500, a reset and a refused connection alike: three minimal fault sets, one kind.
 *
 * A kind is the verdict, the entry point that went wrong, and the error with every number, id and address
 * made a placeholder (a 500 and a 503 that end in the same assertion are one kind); a crash is the
 * crashed services, whatever error brought them down; a call that never returned is one kind per entry
 * point, whichever call it was. The faulted edges are listed per kind, not part of it.
 */
import type { ExecutionResult, FailureGroup, RunResults } from '../results/run-results.js';
import { errorLine, failureSignature, normaliseError } from './failure-signature.js';

export interface FailureKind {
  /** "fail at POST /orders on gateway: AssertionError: order <id> failed with <n> but left ...". */
  words: string;
  /** The group ids of this kind, in order. */
  groups: number[];
  /** Faulted edges over its groups, "caller → callee". */
  edges: string[];
}

/** The kind's text: see the module comment. */
function kindError(group: FailureGroup, example: ExecutionResult | undefined): string {
  const detail = group.detail ?? example?.detail ?? '';
  if (group.verdict === 'crash') {
    const crashed = [...detail.matchAll(/^service (\S+) (?:exited|killed|is down)/gm)].map((m) => m[1]);
    return crashed.length ? `${[...new Set(crashed)].join(', ')} crashed` : 'a service crashed';
  }
  if (example?.finding === 'never-returned') return 'a call never returned: no timeout visible';
  // A JSON document after the message (a response body, a value compared) is the same bug's evidence.
  return normaliseError(errorLine(detail)).replace(/\b\d+\b/g, '<n>').replace(/(.{20,}?)\s*[{[].*$/, '$1');
}

export function failureKinds(results: RunResults): FailureKind[] {
  const byKey = new Map<string, FailureKind>();
  for (const g of results.triage?.groups ?? []) {
    const example = results.executions[(g.signature?.example ?? g.executions[0]) - 1];
    const signature = g.signature ?? failureSignature({ verdict: g.verdict, detail: g.detail, entry: example?.entry, faults: g.faults });
    const words = `${g.verdict} at ${signature.entry}: ${kindError(g, example)}`;
    let kind = byKey.get(words);
    if (!kind) byKey.set(words, (kind = { words, groups: [], edges: [] }));
    kind.groups.push(g.id);
    for (const e of signature.edges) if (!kind.edges.includes(e)) kind.edges.push(e);
  }
  return [...byKey.values()];
}
