/**
 * `--workers N` at the start of the search: the parallel runner (parallel.ts), unless something this run
 * found needs its executions one at a time (coverage, a service that keeps state, the Python profile,
 * messages without an execution id), which the run then says, and records in results.json.
 */
import type { ParallelStats } from '../results/run-results.js';
import type { Explorer } from '../search/explorer.js';
import type { ExecutionRuns } from './execution-runs.js';
import { oneAtATime, oneAtATimeReason, ParallelRunner } from './parallel.js';
import type { ShardRun } from './shard-run.js';
import type { TestBed } from './test-bed.js';

export interface ParallelStart {
  workers: number;
  coverage?: boolean;
  pythonProfile: boolean;
  bed: TestBed;
  explorer: Explorer;
  runs: ExecutionRuns;
  /** Executions the budget still allows. */
  remaining: () => number;
  shard?: ShardRun;
  runId: string;
  log: (message: string) => void;
}

/** Sets `runs.parallel` when executions may run ahead of their turn; the stats for results.json, if asked for workers. */
export function startParallel(start: ParallelStart): ParallelStats | undefined {
  const { workers, bed, runs, shard } = start;
  if (workers === 1) return undefined;
  const why = oneAtATimeReason({
    coverage: start.coverage,
    statefulService: bed.statefulService(),
    pythonProfile: start.pythonProfile,
    unattributedMessages: bed.session.messagesWithoutExecutionId,
  });
  if (why) {
    start.log(`--workers ${workers}: ${why}; running one execution at a time`);
    return oneAtATime(workers, why);
  }
  runs.parallel = new ParallelRunner({
    workers,
    explorer: start.explorer,
    session: bed.session,
    execute: (slot, id, te) => runs.attempt(0, id, te.failures, te.prefix, slot, false),
    restartCrashed: () => bed.restartCrashed(),
    remaining: start.remaining,
    skip: shard ? (te) => shard.skips(te) : undefined,
    aheadId: (k) => `${start.runId}-ahead-${k}`,
    log: start.log,
  });
  return runs.parallel.stats;
}
