/**
 * Properties over one execution's calls (from `executionCalls()`), for bugs a response cannot show.
 * Each returns one readable line per violation, empty when the property holds. They use only what is
 * known when a call starts (caller, callee, URL, timeout, parent), never outcomes, which are reported
 * without waiting and may not have arrived when the test asks.
 */
import type { ObservedCall } from './protocol.js';

/** `5006/users/x` (the host-stripped URL of the messages) → `/users/x`. */
function pathOf(url: string): string {
  const slash = url.indexOf('/');
  return slash < 0 ? '/' : url.slice(slash);
}

function seconds(s: number): string {
  return `${s} s`;
}

/**
 * Timeout budget: a call made while serving another must have a shorter timeout than that call, or the
 * caller gives up while its callee is still waiting on its own dependency (the caller sees a timeout
 * although nothing failed, and the callee's work is wasted).
 */
export function timeoutBudgetViolations(calls: readonly ObservedCall[]): string[] {
  const byId = new Map(calls.map((c) => [c.id, c]));
  const out: string[] = [];
  for (const call of calls) {
    const parent = call.parent === null ? undefined : byId.get(call.parent);
    if (!parent || parent.timeoutSeconds === undefined || call.timeoutSeconds === undefined) continue;
    if (call.timeoutSeconds >= parent.timeoutSeconds) {
      out.push(
        `${parent.source} gives ${parent.target} ${seconds(parent.timeoutSeconds)}, but ${call.source} waits up to ${seconds(call.timeoutSeconds)} on ${call.target}`,
      );
    }
  }
  return out;
}

/**
 * No retry to the same server: while serving one request, a service does not send the same request
 * (method and URL) twice. A retry that goes back to the server that just failed meets the same failure;
 * a retry should go to another replica, or not happen. Calls carry their URL without the host (as the
 * original's messages), so replicas are told apart by port: two hosts on the same port look the same.
 */
export function sameServerRetries(calls: readonly ObservedCall[]): string[] {
  const seen = new Set<string>();
  const reported = new Set<string>();
  const out: string[] = [];
  for (const call of calls) {
    const key = `${call.parent}\u0000${call.source}\u0000${call.method}\u0000${call.url}`;
    if (!seen.has(key)) {
      seen.add(key);
    } else if (!reported.has(key)) {
      reported.add(key);
      out.push(`${call.source} sent ${call.method} ${pathOf(call.url)} to ${call.target} again while serving one request (a retry to the same server)`);
    }
  }
  return out;
}
