/**
 * The verdict of one execution, from what the test reported and what the orchestrator saw (DESIGN §8, §15).
 * The order of the checks is the point:
 *   1. the execution must be the one that was planned: every planned fault injected (its call happened,
 *      its decision arrived, the client did not refuse it) and the scheduled prefix reproduced. If not,
 *      whatever the test said describes some other fault set, so the verdict is "inconclusive" (re-run;
 *      a replayed counterexample reads it as "not reproduced"), never pass, fail, crash or hang, and no
 *      counterexample is written for it. A crash seen meanwhile is named in the detail, not hidden;
 *   2. a crashed service makes it "crash" whatever the test said;
 *   3. calls still open while the test's entry request waited (the test failed, hung, or ended without its
 *      answer): "hang" with the finding "never-returned", the calls named (open-calls.ts), never a plain
 *      "fail" (the test's own timeout is only the symptom);
 *   4. the test's own verdict (hang, fail), then violated always/unreachable properties;
 *   5. a passing test with calls still open after its entry requests were answered: "leak" (the caller
 *      abandoned them; confirmed by a replay before it is reported: leak-confirmation.ts). A failing test
 *      with such calls stays "fail" or "hang" and names them.
 *   So: crash > fail/hang > leak > pass. A passing test is a "pass" only when every call completed and
 *   every entry request was answered; otherwise "inconclusive".
 */
import type { Execution } from '../server/execution.js';
import { callInWords, callPath, describeFailure, faultInWords, type Call, type Failure } from '../search/model.js';
import type { Finding, Verdict } from '../results/run-results.js';
import type { TestOutcome } from '../runner/test-runner.js';
import { leaked, neverReturned, openCallsOf } from './open-calls.js';

export { neverReturned } from './open-calls.js';

export interface Judgement {
  verdict: Verdict;
  detail?: string;
  /** What kind of finding a failing verdict is, when the verdict alone does not say it. */
  finding?: Finding;
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
  /** For a prefix not reproduced: which part of the call differed, and what makes it reproducible. */
  advice?: Advice;
}

export interface Advice {
  text: string;
  /** The same for every execution that diverges the same way, whatever the values were. */
  key: string;
}

export interface Observations {
  outcome: TestOutcome;
  execution: Execution;
  calls: readonly Call[];
  /** The scheduled prefix (empty for the fault-free execution and replays). */
  prefix: readonly Call[];
  /**
   * Every call completed before the grace period ran out (for a test that failed, hung or ended without
   * its answer: before the calls still open were past the bound of open-calls.ts).
   */
  quiet: boolean;
  graceMs: number;
  crashed: readonly { name: string; how: string; logTail: string; error?: string }[];
}

/** The first call of the scheduled prefix that the execution did not make (same canonical key). */
export function firstMissing(prefix: readonly Call[], calls: readonly Call[]): Call | undefined {
  if (prefix.length === 0) return undefined;
  const made = new Set(calls.map((c) => c.key));
  return prefix.find((c) => !made.has(c.key));
}

/** "#1 billing → accounts (GET /accounts/:id)": its place in the canonical order and the call in words (never its hash). */
function describeCall(c: Call): string {
  return `#${c.position} ${callInWords(c)}`;
}

function crashDetail(crashed: Observations['crashed']): string {
  // The error the service died of leads, so that a one-line summary of the crash says why.
  return crashed.map((c) => `service ${c.name} ${c.how}${c.error ? `: ${c.error}` : ''}; last lines of its log:\n${c.logTail}`).join('\n');
}

/** Step 1: what kept this execution from being the planned one, or undefined when it was. */
function notReproduced(o: Observations): NotReproduced | undefined {
  const notInjected = o.execution.unhitFailures();
  const diverged = firstMissing(o.prefix, o.calls);
  const problems = [...o.execution.problems];
  if (notInjected.length === 0 && !diverged) return undefined;
  return { notInjected, diverged, problems, advice: diverged ? divergenceAdvice(diverged, o.calls) : undefined };
}

/**
 * What differed between the recorded call and the nearest call made from the same place (caller, method,
 * callee, stack), and what fixes it: a path segment or a query value that changes from run to run needs a
 * template; the same calls in another order are concurrent calls started in a timing-dependent order.
 */
export function divergenceAdvice(recorded: Call, calls: readonly Call[]): Advice {
  const site = (c: Call) => `${c.source}|${c.method}|${c.target ?? c.callee ?? ''}|${c.fullTraceback}`;
  const same = calls.filter((c) => site(c) === site(recorded));
  const where = site(recorded);
  if (same.length === 0) return { key: `absent ${where}`, text: `the call ${callInWords(recorded)} was not made at all this time: the application takes another path without any fault (state kept between executions? betweenExecutions in the services config restores it)` };
  const was = callPath(recorded);
  const differing = same.map((c) => callPath(c)).find((p) => p !== was);
  if (differing === undefined) {
    return { key: `order ${where}`, text: `the same calls were made in another order: concurrent calls to ${recorded.target ?? recorded.callee} start in a timing-dependent order (start them in a fixed order, e.g. Promise.all over a list, or give them distinct paths)` };
  }
  const [wasPath, wasQuery = ''] = was.split('?');
  const [nowPath, nowQuery = ''] = differing.split('?');
  const a = wasPath.split('/');
  const b = nowPath.split('/');
  const k = a.findIndex((s, i) => s !== b[i]);
  if (k >= 0 && a.length === b.length) {
    const template = a.map((s, i) => (i === k ? ':value' : s)).join('/');
    return { key: `template ${where} ${template}`, text: `path segment ${k} of ${callInWords(recorded)} was "${a[k]}" and is now "${b[k]}": a value that changes from run to run; add "pathTemplates": ["${template}"] to the services config` };
  }
  const values = (q: string) => new Map(q.split('&').filter(Boolean).map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)] as const));
  const now = values(nowQuery);
  const changed = [...values(wasQuery)].find(([name, value]) => now.get(name) !== value);
  if (changed) return { key: `query ${where} ${changed[0]}`, text: `query parameter ${changed[0]} of ${callInWords(recorded)} changes from run to run; add "ignoredQueryParams": ["${changed[0]}"] to the services config` };
  return { key: `other ${where}`, text: `${callInWords(recorded)} is now ${differing}` };
}

function notReproducedDetail(n: NotReproduced, prefix: readonly Call[]): string {
  // The scheduled prefix holds the call each fault was planned on: describe it by caller and callee.
  const planned = new Map(prefix.map((c) => [c.ei, c]));
  const parts: string[] = [];
  if (n.notInjected.length > 0) parts.push(`planned fault not injected: ${n.notInjected.map((f) => describeFailure(f, planned.get(f.execution_index))).join(', ')}`);
  if (n.diverged) parts.push(`non-determinism: the scheduled prefix was not reproduced; first differing call: ${describeCall(n.diverged)}${n.advice ? ` (${n.advice.text})` : ''}`);
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
  const open = o.quiet ? [] : openCallsOf(o.calls, o.execution.openCalls());
  if (open.length > 0 && entryWaited(o)) {
    const test = o.outcome.verdict === 'pass' ? 'the test passed without waiting for its answer' : `the test: ${o.outcome.detail ?? o.outcome.verdict}`;
    return { verdict: 'hang', finding: 'never-returned', detail: [...neverReturned(open), test].join('; ') };
  }
  // The entry requests were answered: whatever is still open was abandoned by its caller.
  const abandoned = leaked(open);
  const failed = testFailure(o);
  if (failed) return abandoned.length > 0 ? { ...failed, detail: [failed.detail, ...abandoned].filter(Boolean).join('; ') } : failed;
  const problems = [...o.execution.problems];
  if (problems.length === 0 && abandoned.length > 0) return { verdict: 'leak', detail: abandoned.join('; ') };
  if (!o.quiet) problems.push(`${o.execution.pending} call(s) did not complete within ${o.graceMs} ms of the test's end`);
  return problems.length > 0 ? { verdict: 'inconclusive', detail: problems.join('; ') } : { verdict: 'pass', detail: o.outcome.detail };
}

/**
 * Whether the test's request was still waiting on the open calls: an entry request without an answer
 * (still open, or ended when the test's client went away), or, when no entry service reported its
 * requests (they do not run our instrumentation), a test that failed or hung.
 */
function entryWaited(o: Observations): boolean {
  if (o.execution.unansweredEntries > 0) return true;
  return o.outcome.verdict !== 'pass' && o.execution.entryResponses.length === 0;
}

/** The test's own failure (hang, fail), or an always property that failed / an unreachable point reached. */
function testFailure(o: Observations): Judgement | undefined {
  if (o.outcome.verdict !== 'pass') return { verdict: o.outcome.verdict, detail: o.outcome.detail };
  const violated = o.execution.properties.filter((p) => p.failed > 0 && p.kind !== 'sometimes');
  if (violated.length === 0) return undefined;
  return {
    verdict: 'fail',
    detail: violated
      .map((p) => (p.kind === 'always' ? `always property "${p.name}" failed ${p.failed} time(s) (in ${p.failedIn.join(', ')})` : `unreachable "${p.name}" was reached (in ${p.failedIn.join(', ')})`))
      .join('; '),
  };
}
