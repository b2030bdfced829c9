/**
 * The verdict of one execution, from what the test reported and what the orchestrator saw (DESIGN §8, §15).
 * The order of the checks is the point:
 *   1. the execution must be the one that was planned: every planned fault injected (its call happened,
 *      its decision arrived, the client did not refuse it) and the scheduled prefix reproduced. If not,
 *      whatever the test said describes some other fault set, so the verdict is "inconclusive" (re-run;
 *      a replayed counterexample reads it as "not reproduced"), never pass, fail, crash or hang, and no
 *      counterexample is written for it. A crash seen meanwhile is named in the detail, not hidden;
 *   2. a crashed service makes it "crash" whatever the test said;
 *   3. the test's own verdict (hang, fail), then violated always/unreachable properties;
 *   4. a passing test is a "pass" only when every call completed; otherwise "inconclusive".
 */
import type { Execution } from '../server/execution.js';
import { callInWords, describeFailure, faultInWords, type Call, type Failure } from '../search/model.js';
import type { Verdict } from '../results/run-results.js';
import type { TestOutcome } from '../runner/test-runner.js';

export interface Judgement {
  verdict: Verdict;
  detail?: string;
  /** Set when the execution was not the planned one (step 1): what did not happen as planned. */
  notReproduced?: NotReproduced;
}

export interface NotReproduced {
  /** Planned faults that were not injected. */
  notInjected: Failure[];
  /** The first call of the scheduled prefix that was not made. */
  diverged?: Call;
  /** Other reasons (a decision that came too late, a fault the client refused). */
  problems: string[];
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

function crashDetail(crashed: Observations['crashed']): string {
  return crashed.map((c) => `service ${c.name} ${c.how}; last lines of its log:\n${c.logTail}`).join('\n');
}

/** Step 1: what kept this execution from being the planned one, or undefined when it was. */
function notReproduced(o: Observations): NotReproduced | undefined {
  const notInjected = o.execution.unhitFailures();
  const diverged = firstMissing(o.prefix, o.calls);
  const problems = [...o.execution.problems];
  if (notInjected.length === 0 && !diverged) return undefined;
  return { notInjected, diverged, problems };
}

function notReproducedDetail(n: NotReproduced, prefix: readonly Call[]): string {
  // The scheduled prefix holds the call each fault was planned on: describe it by caller and callee.
  const planned = new Map(prefix.map((c) => [c.ei, c]));
  const parts: string[] = [];
  if (n.notInjected.length > 0) parts.push(`planned fault not injected: ${n.notInjected.map((f) => describeFailure(f, planned.get(f.execution_index))).join(', ')}`);
  if (n.diverged) parts.push(`non-determinism: the scheduled prefix was not reproduced; first differing call: ${describeCall(n.diverged)}`);
  return [...parts, ...n.problems].join('; ');
}

export function judge(o: Observations): Judgement {
  const unplanned = notReproduced(o);
  if (unplanned) {
    // Every reason is said: calls left open may be what shifted the recorded calls.
    const open = o.quiet ? '' : `; ${o.execution.pending} call(s) did not complete within ${o.graceMs} ms of the test's end`;
    const crash = o.crashed.length > 0 ? `; meanwhile ${crashDetail(o.crashed)}` : '';
    return { verdict: 'inconclusive', detail: notReproducedDetail(unplanned, o.prefix) + open + crash, notReproduced: unplanned };
  }
  if (o.crashed.length > 0) return { verdict: 'crash', detail: crashDetail(o.crashed) };
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
  if (!o.quiet) problems.push(`${o.execution.pending} call(s) did not complete within ${o.graceMs} ms of the test's end`);
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
