/**
 * The verdict of one execution, from what the test reported and what the orchestrator saw (DESIGN §8):
 * a crashed service makes it "crash" whatever the test said; a passing test is only a "pass" when every
 * planned fault was injected, every decision arrived, every call completed and the scheduled prefix was
 * reproduced; otherwise it is "inconclusive", never "passed without its fault".
 */
import type { Execution } from '../server/execution.js';
import { callInWords, describeFailure, faultInWords, type Call } from '../search/model.js';
import type { Verdict } from '../results/run-results.js';
import type { TestOutcome } from '../runner/test-runner.js';

export interface Judgement {
  verdict: Verdict;
  detail?: string;
}

export interface Observations {
  outcome: TestOutcome;
  execution: Execution;
  calls: readonly Call[];
  /** The scheduled prefix (empty for the fault-free execution and replays). */
  prefix: readonly Call[];
  /** Every call completed before the grace period ran out. */
  quiet: boolean;
  graceMs: number;
  crashed: readonly { name: string; how: string; logTail: string }[];
}

/** The first call of the scheduled prefix that the execution did not make (same canonical key). */
export function firstMissing(prefix: readonly Call[], calls: readonly Call[]): Call | undefined {
  if (prefix.length === 0) return undefined;
  const made = new Set(calls.map((c) => c.key));
  return prefix.find((c) => !made.has(c.key));
}

function describeCall(c: Call): string {
  return `#${c.position} ${c.source} → ${c.target ?? c.callee ?? String(c.args[0])} ${c.method} ${String(c.args[0] ?? '')} ${c.ei}`;
}

export function judge(o: Observations): Judgement {
  if (o.crashed.length > 0) {
    return { verdict: 'crash', detail: o.crashed.map((c) => `service ${c.name} ${c.how}; last lines of its log:\n${c.logTail}`).join('\n') };
  }
  if (o.outcome.verdict === 'hang') {
    const stuck = neverReturned(o.calls);
    return { verdict: 'hang', detail: [o.outcome.detail, ...stuck].filter(Boolean).join('; ') };
  }
  if (o.outcome.verdict !== 'pass') return { verdict: o.outcome.verdict, detail: o.outcome.detail };
  // An always property that failed, or an unreachable point reached, fails the execution like an assertion.
  const violated = o.execution.properties.filter((p) => p.failed > 0 && p.kind !== 'sometimes');
  if (violated.length > 0) {
    return {
      verdict: 'fail',
      detail: violated
        .map((p) => (p.kind === 'always' ? `always property "${p.name}" failed ${p.failed} time(s) (in ${p.failedIn.join(', ')})` : `unreachable "${p.name}" was reached (in ${p.failedIn.join(', ')})`))
        .join('; '),
    };
  }
  const problems = [...o.execution.problems];
  const unhit = o.execution.unhitFailures();
  if (unhit.length > 0) {
    // The scheduled prefix holds the call each fault was planned on: describe it by caller and callee.
    const planned = new Map(o.prefix.map((c) => [c.ei, c]));
    problems.push(`planned fault not injected (its call did not happen): ${unhit.map((f) => describeFailure(f, planned.get(f.execution_index))).join(', ')}`);
  }
  if (!o.quiet) problems.push(`${o.execution.pending} call(s) did not complete within ${o.graceMs} ms of the test's end`);
  const diverged = firstMissing(o.prefix, o.calls);
  if (diverged) problems.push(`non-determinism: the scheduled prefix was not reproduced; first differing call: ${describeCall(diverged)}`);
  return problems.length > 0 ? { verdict: 'inconclusive', detail: problems.join('; ') } : { verdict: 'pass', detail: o.outcome.detail };
}

/**
 * Why a hanging execution hangs: the calls that never completed, and whether their caller could have
 * ended the wait (a black hole on a call without a timeout hangs its caller for good).
 */
export function neverReturned(calls: readonly Call[]): string[] {
  return calls
    .filter((c) => c.returnValue === undefined && c.exception === undefined)
    .map((c) => {
      const timeout = c.metadata.timeout;
      const fault = c.failure ? ` (fault: ${faultInWords(c.failure)})` : '';
      const why = timeout == null ? ': the caller has no timeout' : ` although the caller has a timeout of ${timeout} s`;
      return `call ${callInWords(c)} never returned${why}${fault}`;
    });
}
