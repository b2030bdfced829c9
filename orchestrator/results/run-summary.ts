/**
 * results.json as a value: the counts, completeness and stop reason of a run, from its execution records
 * and what the search has left (run-results.ts has the schema).
 */
import type { TestSpec } from './counterexample.js';
import { summariseProperties } from './property-summary.js';
import type { ExecutionResult, ParallelStats, RunPlan, RunResults, ShardSection, TriageReport } from './run-results.js';

export interface RunSummaryInput {
  test: TestSpec;
  startedAt: number;
  /** The options as recorded in results.json. */
  options: Record<string, unknown>;
  executions: ExecutionResult[];
  /** False when a budget, --fail-fast, an error or an interruption cut the run short. */
  complete: boolean;
  stopReason: string;
  /** What the search has left: scheduled but not run, and never scheduled for the scope's sake. */
  search: { pending: number; beyondMaxFaults: number; filteredOut: number };
  backgroundCalls: string[];
  triage?: TriageReport;
  plan?: RunPlan;
  replayStability?: RunResults['replay_stability'];
  parallel?: ParallelStats;
  shard?: ShardSection;
}

/** The stop reason of a run that explored everything its scope (--max-faults, filters) let it schedule. */
export const SCOPED_STOP_REASON = 'every execution within the --max-faults bound and the fault filters was run or pruned';

export function summariseRun(input: RunSummaryInput): RunResults {
  const { executions, search } = input;
  const ran = executions.filter((e) => e.status === 'ran');
  const scoped = search.beyondMaxFaults > 0 || search.filteredOut > 0;
  const stopReason = input.complete && search.pending === 0 && scoped ? SCOPED_STOP_REASON : input.stopReason;
  const properties = summariseProperties(executions);
  const withVerdict = (v: string) => ran.filter((e) => e.verdict === v).length;
  return {
    schema: 'filibuster-results/1',
    test: input.test,
    started_at: new Date(input.startedAt).toISOString(),
    wall_ms: Date.now() - input.startedAt,
    options: input.options,
    counts: {
      ran: ran.length,
      pruned: executions.length - ran.length,
      passed: withVerdict('pass'),
      failed: withVerdict('fail'),
      crashed: withVerdict('crash'),
      hung: withVerdict('hang'),
      leaked: withVerdict('leak'),
      inconclusive: withVerdict('inconclusive'),
      not_reproduced: withVerdict('not-reproduced'),
      explored: ran.length,
      not_explored: search.pending,
      beyond_max_faults: search.beyondMaxFaults,
      filtered_out: search.filteredOut,
    },
    complete: input.complete && search.pending === 0 && !scoped,
    stop_reason: stopReason,
    background_calls: input.backgroundCalls,
    executions,
    ...(input.plan ? { plan: input.plan } : {}),
    ...(input.triage ? { triage: input.triage } : {}),
    ...(input.replayStability ? { replay_stability: input.replayStability } : {}),
    ...(input.parallel ? { parallel: input.parallel } : {}),
    ...(input.shard ? { shard: input.shard } : {}),
    ...(properties.length > 0 ? { properties } : {}),
  };
}
