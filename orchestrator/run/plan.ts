/**
 * The run's plan, in numbers (results.json → plan) and in words (the run's log, on stderr): settled after
 * the fault-free execution, when the number of single faults is known, so a user sees at once how much
 * there is to explore, in which order, and within which bounds, before waiting for any of it.
 */
import type { RunPlan } from '../results/run-results.js';
import { formatDuration } from '../search/budget.js';
import type { Scope } from './exploration-options.js';

/** `calls`: the fault-free execution's; `singleFaults`: what the explorer scheduled after it. */
export function planOf(scope: Scope, calls: number, singleFaults: number): RunPlan {
  return {
    calls,
    single_faults: singleFaults,
    order: scope.order,
    order_source: scope.orderSource,
    max_faults: scope.maxFaults ?? null,
    max_tests: scope.budget.maxTests ?? null,
    budget: scope.budget.split(scope.triage) ?? null,
  };
}

/**
 * A run whose fault-free execution reported no call has nothing to explore, and usually means the
 * services never reached this orchestrator (the Python instrumentation swallows a refused connection).
 */
export const NO_CALLS_WARNING =
  'the fault-free execution reported no instrumented call, so there is nothing to explore: are the services instrumented (NODE_OPTIONS=--import filibuster/register, or the Python instrumentation) and reaching this orchestrator? Python services always report to 127.0.0.1:5005 (run with --port 5005)';

/** "fault-free execution passed: 9 calls, 37 single faults; plan: every single fault first, then pairs, ...". */
export function planInWords(plan: RunPlan): string {
  const parts = [orderInWords(plan.order, plan.max_faults)];
  if (plan.max_tests !== null) parts.push(`at most ${plan.max_tests} executions (--max-tests)`);
  parts.push(budgetInWords(plan));
  return `fault-free execution passed: ${plan.calls} call(s), ${plan.single_faults} single fault(s); plan: ${parts.join(', ')}`;
}

/**
 * What a run announces before it starts, when its order or time budget are defaults (so nobody wonders why
 * a run stops after ten minutes); undefined when everything was given.
 */
export function startInWords(scope: Scope): string | undefined {
  if (scope.orderSource === 'given' && scope.budgetSource !== 'default') return undefined;
  const order = scope.order === 'by-size' ? 'single faults first (--order by-size)' : "depth-first, in the original's order (--order dfs)";
  const time = scope.budget.timeMs;
  const budget =
    scope.budgetSource === 'default' ? `within the default time budget of ${formatDuration(time!)} (--exhaustive lifts it, --time-budget sets it)` : time === undefined ? 'without a time budget' : `within --time-budget ${formatDuration(time)}`;
  return `exploring ${order}, ${budget}`;
}

function orderInWords(order: RunPlan['order'], maxFaults: number | null): string {
  if (order === 'dfs') {
    const bound = maxFaults === null ? '' : `, fault sets of at most ${maxFaults} fault(s) (--max-faults ${maxFaults})`;
    return `depth-first, in the original's order (each fault followed by its combinations)${bound}`;
  }
  if (maxFaults === 1) return 'every single fault (--max-faults 1)';
  if (maxFaults === 2) return 'every single fault first, then pairs (--max-faults 2)';
  if (maxFaults !== null) return `every single fault first, then pairs, ... up to ${maxFaults} faults (--max-faults ${maxFaults})`;
  return 'every single fault first, then pairs, then larger sets';
}

function budgetInWords(plan: RunPlan): string {
  const b = plan.budget;
  if (!b) return 'no time budget (everything reachable is explored)';
  const time = formatDuration(b.time_ms);
  const which = b.source === 'default' ? `within the default time budget of ${time} (--exhaustive lifts it)` : `within --time-budget ${time}`;
  const split = b.triage_ms > 0 ? `; once failures are found the search stops at ${formatDuration(b.search_ms)} and triage has the rest` : '';
  return which + split;
}
