/**
 * The search loop: runs (or prunes) what the explorer hands out, one-worker order, until nothing is left,
 * a budget is used up, or a stop (interruption, --fail-fast, the same divergence again and again). Each
 * execution is recorded as it completes (run-records.ts) and its calls given to the explorer, which
 * schedules its children. Under `--shard i/n` another shard's executions are run only to discover what
 * they lead to (shard-run.ts); under `--workers N` the runs come from the parallel runner (parallel.ts).
 */
import { faultEntries } from '../results/fault-entries.js';
import type { Explorer, NextStep } from '../search/explorer.js';
import type { Call, ScheduledExecution } from '../search/model.js';
import type { Scope } from './exploration-options.js';
import type { ExecutionRuns } from './execution-runs.js';
import type { Attempted } from './parallel.js';
import type { RunStop } from './run-stop.js';
import { isFailing, ranResult, type RunRecords } from './run-records.js';
import type { ShardRun } from './shard-run.js';
import type { Advice } from './verdict.js';

/** The same divergence this many times stops the run (each one already re-run: inconclusive-retry.ts). */
const REPEATED_DIVERGENCE = 3;

export interface FrontierLoopOptions {
  explorer: Explorer;
  runs: ExecutionRuns;
  records: RunRecords;
  stop: RunStop;
  /** The scope as it is when the loop runs (the Python switch replaces it before). */
  scope: () => Scope;
  failFast: boolean;
  interrupted: () => boolean;
  runId: string;
  shard?: ShardRun;
}

export class FrontierLoop {
  private readonly o: FrontierLoopOptions;
  /** How often each divergence (its advice) left an execution inconclusive. */
  private readonly divergences = new Map<string, number>();

  constructor(options: FrontierLoopOptions) {
    this.o = options;
  }

  async run(): Promise<void> {
    const { explorer, stop, shard } = this.o;
    for (;;) {
      if (this.o.interrupted()) return stop.because('interrupted');
      const exhausted = explorer.pendingCount > 0 ? this.o.scope().budget.exhaustedAfter(this.numbered(), this.triagePending()) : undefined;
      if (exhausted) return stop.because(exhausted);
      const step = explorer.next();
      if (!step) return;
      if (shard && (await this.othersStep(step, shard))) continue;
      if (step.kind === 'pruned') {
        this.prune(step);
        continue;
      }
      if (!(await this.runOne(step.execution))) return;
    }
  }

  /** Executions handed out in one-worker order, for the budgets: a shard counts every shard's. */
  numbered(): number {
    return this.o.shard ? this.o.shard.numbered + 1 : this.o.runs.number;
  }

  /** The search keeps the rest of a time budget for triage once it has failures to triage (budget.ts). */
  triagePending(): boolean {
    return this.o.records.failingForTriage.length > 0;
  }

  /** Gives the explorer an execution's calls (a shard counts what they leave unscheduled: shard-run.ts). */
  completeRun(number: number, scheduled: ScheduledExecution | undefined, calls: Call[], own: boolean): void {
    if (this.o.shard) this.o.shard.complete(this.o.explorer, number, scheduled, calls, own);
    else this.o.explorer.complete(number, scheduled, calls);
  }

  private prune(step: Extract<NextStep, { kind: 'pruned' }>): void {
    const { runs, shard } = this.o;
    const te = step.execution;
    runs.parallel?.discard(te.key);
    runs.number++;
    const as = step.as !== undefined ? { pruned_as: step.as } : {};
    shard?.recordOwn(runs.number, te.path);
    this.o.records.record({ number: runs.number, status: 'pruned', ...as, faults: faultEntries(te.failures, te.prefix) }, [], te.failures, false);
  }

  /** Runs one scheduled execution and records it; false when the loop must stop. */
  private async runOne(te: ScheduledExecution): Promise<boolean> {
    const { runs, stop } = this.o;
    const run = await this.unlessInterrupted(runs.numbered(te.failures, te.prefix, te));
    if (this.o.interrupted() || !run) {
      stop.because('interrupted');
      return false;
    }
    this.completeRun(runs.number, te, run.calls, true);
    this.o.shard?.recordOwn(runs.number, te.path);
    const result = ranResult(runs.number, run, faultEntries(te.failures, run.calls.length ? run.calls : te.prefix));
    this.o.records.record(result, run.calls, te.failures, true);
    const repeated = this.repeatedDivergence(run.judgement.verdict === 'inconclusive' ? run.judgement.notReproduced?.advice : undefined);
    if (repeated) {
      stop.because(repeated);
      return false;
    }
    if (this.o.failFast && isFailing(result.verdict)) {
      stop.asked(`--fail-fast: execution ${runs.number} failed`, this.o.explorer.pendingCount);
      return false;
    }
    return true;
  }

  /**
   * A shard's step that is not its own (shard-run.ts): another shard's execution is run only to discover
   * what it leads to (unnumbered, unreported), or left to its owner when it leads to nothing here or was
   * pruned. False for an own execution, which the loop runs as any.
   */
  private async othersStep(step: NextStep, shard: ShardRun): Promise<boolean> {
    const te = step.execution;
    const role = shard.handOut(te);
    if (role === 'own') return false;
    if (role === 'skip' || step.kind === 'pruned') {
      this.o.runs.parallel?.discard(te.key);
      shard.skipped++;
      return true;
    }
    const run = await this.unlessInterrupted(this.o.runs.discovery(te, `${this.o.runId}-discovery-${shard.discovery + 1}`));
    if (this.o.interrupted() || !run) return true;
    shard.discovery++;
    // Number 0: a discovery run is no witness a pruned execution could name (explorer.ts).
    this.completeRun(0, te, run.calls, false);
    return true;
  }

  /**
   * An interruption closes the test runners under the runs in flight: what they throw then is the
   * interruption's doing, not an error of the run.
   */
  private unlessInterrupted(run: Promise<Attempted>): Promise<Attempted | undefined> {
    return run.catch((err: unknown) => {
      if (this.o.interrupted()) return undefined;
      throw err;
    });
  }

  /**
   * The same divergence, inconclusive after every re-run, again and again: the run stops and says what
   * makes the calls reproducible, instead of running on to the same end.
   */
  private repeatedDivergence(advice: Advice | undefined): string | undefined {
    if (!advice) return undefined;
    const seen = (this.divergences.get(advice.key) ?? 0) + 1;
    this.divergences.set(advice.key, seen);
    return seen >= REPEATED_DIVERGENCE ? `${seen} executions could not reproduce their scheduled calls, for the same reason: ${advice.text}` : undefined;
  }
}
