/**
 * How the exploration runs one fault set on the test bed, in its three kinds: an explored execution
 * (numbered 1, 2, ... in results.json), a shard's discovery run (numbered 0: another shard reports it), and
 * an unnumbered replay (triage, --replays, a leak's confirmation), which is no execution of the search.
 * An explored or discovery run re-runs its inconclusive attempts, each under a fresh execution id
 * (inconclusive-retry.ts), and confirms a leak by a replay on the same slot (leak-confirmation.ts).
 * The run ids are `<run>-<number>`, `<run>-<number>-attempt-<k>`, `<run>-replay-<k>`: the server tells the
 * messages of an abandoned attempt from the current one's by them.
 */
import type { Call, Failure, ScheduledExecution } from '../search/model.js';
import { runUntilDefinite } from './inconclusive-retry.js';
import { KeptState } from './kept-state.js';
import { confirmLeak } from './leak-confirmation.js';
import type { Attempted, ParallelRunner } from './parallel.js';
import type { Run, TestBed } from './test-bed.js';

/** The per-execution timeout when none is given and before the fault-free execution has shown a longer one. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ExecutionRunsOptions {
  bed: TestBed;
  runId: string;
  /** `--timeout`; without it the timeout adapts to the fault-free execution (adaptTimeout). */
  timeoutMs?: number;
  /** `--inconclusive-retries`, as the scope has it now. */
  retries: () => number;
  interrupted: () => boolean;
  log: (message: string) => void;
}

export class ExecutionRuns {
  private readonly options: ExecutionRunsOptions;
  /** Services found to keep state between executions are restarted before each one (kept-state.ts). */
  private readonly keptState: KeptState;
  /** The last execution number taken. */
  number = 0;
  /** The last unnumbered replay (triage names its counterexamples after it). */
  replayNumber = 0;
  timeoutMs: number;
  /** `--workers N`: where explored and discovery runs come from once the search starts (parallel-start.ts). */
  parallel?: ParallelRunner;

  constructor(options: ExecutionRunsOptions) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.keptState = new KeptState(options.bed, options.log, () => this.parallel === undefined);
  }

  /**
   * An explored execution: it takes the next number. Its run comes from the parallel runner when there is
   * one (parallel.ts).
   */
  async numbered(failures: readonly Failure[], prefix: readonly Call[] = [], scheduled?: ScheduledExecution): Promise<Attempted> {
    this.number++;
    const id = `${this.options.runId}-${this.number}`;
    const run = this.parallel && scheduled ? await this.parallel.obtain(scheduled, id) : await this.attempt(this.number, id, failures, prefix);
    if (run.discarded.length > 0) this.options.log(`execution ${this.number}: ${run.discarded.length} inconclusive attempt(s) re-run (${run.discarded.join(' | ')})`);
    return run;
  }

  /** A shard's run of another shard's execution, only to learn what it leads to (shard-run.ts). */
  discovery(execution: ScheduledExecution, id: string): Promise<Attempted> {
    return this.parallel ? this.parallel.obtain(execution, id) : this.attempt(0, id, execution.failures, execution.prefix);
  }

  /** An unnumbered run of exactly these faults: not an execution of the search. */
  replay(failures: readonly Failure[], slot = 0, restartCrashed = true): Promise<Run> {
    this.replayNumber++;
    return this.options.bed.run(0, `${this.options.runId}-replay-${this.replayNumber}`, failures, this.timeoutMs, [], slot, restartCrashed);
  }

  async attempt(n: number, id: string, failures: readonly Failure[], prefix: readonly Call[], slot = 0, restartCrashed = true): Promise<Attempted> {
    const { bed } = this.options;
    const { run, attempts, discarded } = await runUntilDefinite(
      // A leak is confirmed by a replay on the same slot before it counts (leak-confirmation.ts).
      async (k) => confirmLeak(await bed.run(n, k === 1 ? id : `${id}-attempt-${k}`, failures, this.timeoutMs, prefix, slot, restartCrashed), () => this.replay(failures, slot, restartCrashed)),
      this.options.retries(),
      this.options.interrupted,
      (inconclusive) => this.keptState.beforeRetry(inconclusive.judgement),
    );
    return { ...run, attempts, discarded };
  }

  /** Per-execution timeout, unless given: above the longest caller timeout the fault-free execution saw. */
  adaptTimeout(initialCalls: readonly Call[]): void {
    if (this.options.timeoutMs !== undefined) return;
    const longest = Math.max(0, ...initialCalls.map((c) => Number(c.metadata.timeout) || 0));
    this.timeoutMs = Math.max(DEFAULT_TIMEOUT_MS, longest * 1000 + 10_000);
  }
}
