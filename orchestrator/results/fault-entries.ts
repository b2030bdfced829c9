/**
 * The fault entries of results.json (and of triage groups): each planned fault in words, with the edge
 * it was injected on, taken from the call that carries its execution index. The edge is recorded so the
 * report never has to read it back out of the description text.
 */
import { callInWords, describeFailure, faultInWords, type Call, type Failure } from '../search/model.js';
import type { FaultEdge, FaultEntry } from './run-results.js';

/**
 * caller → callee of a call. The callee is named as the call tree names it: the service that reported
 * receiving the call, else what the caller's instrumentation called it (its service-map name, or host:port
 * for a host outside the map: an external service); null when no client named it (the Python
 * instrumentation calling an uninstrumented host).
 */
export function edgeOfCall(call: Pick<Call, 'source' | 'target' | 'callee'>): FaultEdge {
  return { caller: call.source, callee: call.target ?? call.callee ?? null };
}

/**
 * `calls`: the execution's calls (or the scheduled prefix); a fault whose call is not among them has no
 * edge, and is described as `recorded` describes it (a replayed counterexample's own words), else by its
 * execution index.
 */
export function faultEntries(failures: readonly Failure[], calls: readonly Call[], recorded: readonly string[] = []): FaultEntry[] {
  const byEi = new Map(calls.map((c) => [c.ei, c]));
  const words = callsInWords(calls);
  return failures.map((f, i) => {
    const call = byEi.get(f.execution_index);
    return {
      description: call ? `${faultInWords(f)} on ${words.get(call.ei)}` : recorded[i] ? recorded[i] : describeFailure(f, call),
      execution_index: f.execution_index,
      ...(call ? { edge: edgeOfCall(call) } : {}),
      ...(f.forced_exception ? { forced_exception: f.forced_exception } : {}),
      ...(f.failure_metadata ? { failure_metadata: f.failure_metadata } : {}),
    };
  });
}

/**
 * Each call in words, told apart where several calls read the same (parallel calls to one endpoint, a
 * retry): "gateway → orders (GET /orders/:id #2)", numbered in the order the calls started. A call with no
 * twin among `calls` keeps its plain words.
 */
export function callsInWords(calls: readonly Call[]): Map<string, string> {
  const bySameWords = new Map<string, Call[]>();
  for (const call of [...calls].sort((a, b) => a.position - b.position)) {
    const text = callInWords(call);
    (bySameWords.get(text) ?? bySameWords.set(text, []).get(text)!).push(call);
  }
  const out = new Map<string, string>();
  // The number goes inside the parentheses, so the text still ends with the call's "(METHOD path)".
  for (const [text, twins] of bySameWords) twins.forEach((c, k) => out.set(c.ei, twins.length > 1 ? `${text.slice(0, -1)} #${k + 1})` : text));
  return out;
}
