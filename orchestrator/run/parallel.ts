/**
 * Parallel exploration (`--workers N`): speculative runs, depth-first commit.
 *
 * The exploration loop (exploration.ts) stays sequential: it pops the next execution, obtains its run and
 * commits it (the explorer schedules its children), exactly as with one worker. What changes is where the
 * runs come from. While the loop waits for one, the other test runners run executions that are still on
 * the frontier, ahead of their turn, in the order the frontier would hand them out; when the loop reaches
 * one of them its run is already there. The loop commits in one-worker order and an execution's outcome
 * depends only on its fault set (services that keep state opt out: service-config.ts), so the counts and
 * the executed fault sets are those of `--workers 1`.
 *
 * Running ahead can be wasted, and the waste is counted: an execution may be pruned by the time its turn
 * comes (evidence committed in between), or the exploration may stop first (budget, --fail-fast, Ctrl-C).
 * Two things would make a parallel outcome untrustworthy, and both end in discarding:
 * - a service crash while several executions were running: any of them may have caused it, so all of
 *   them are discarded, the service is restarted once they have drained, and each is run again alone;
 * - a message without an execution id (the Python-compatible profile): it cannot be attributed, so the
 *   exploration falls back to one execution at a time for good, with a message.
 */
import type { Explorer } from '../search/explorer.js';
import type { ScheduledExecution } from '../search/model.js';
import type { ParallelStats } from '../results/run-results.js';
import type { Session } from '../server/session.js';
import type { Run } from './test-bed.js';

/** A run as the exploration records it (inconclusive attempts already re-run). */
export type Attempted = Run & { attempts: number; discarded: string[] };

export interface ParallelOptions {
  workers: number;
  explorer: Explorer;
  session: Session;
  /** Runs one execution (with its inconclusive re-runs) on a test runner slot; crashed services are left down. */
  execute: (slot: number, id: string, execution: ScheduledExecution) => Promise<Attempted>;
  restartCrashed: () => Promise<void>;
  /** Executions the budget still allows (Infinity without --max-tests). */
  remaining: () => number;
  /** Executions the loop will neither run nor prune (another shard's, at --max-faults): never run ahead. */
  skip?: (execution: ScheduledExecution) => boolean;
  /** An id for an execution run ahead of its turn (its number is not known yet). */
  aheadId: (sequence: number) => string;
  log: (message: string) => void;
}

/** Why the executions of this run must run one at a time, or undefined when they may run at once. */
export function oneAtATimeReason(run: { coverage?: boolean; statefulService?: string; pythonProfile: boolean; unattributedMessages: number }): string | undefined {
  if (run.coverage) return "--coverage records each execution's coverage on its own";
  if (run.statefulService) return `service ${run.statefulService} keeps state between executions (betweenExecutions, or "parallel": false)`;
  if (run.pythonProfile) return 'the Python profile: the original services send no execution id, so executions cannot be told apart while they run at once';
  if (run.unattributedMessages > 0) {
    return 'the fault-free execution sent messages without an execution id (the Python-compatible profile), which cannot be attributed while executions run at once';
  }
  return undefined;
}

/** The stats of a run asked for several workers that ran one execution at a time from the start, and why. */
export function oneAtATime(workers: number, why: string): ParallelStats {
  return { workers, ahead: 0, wasted: 0, wasted_ms: 0, peak: 1, fallback: why };
}

interface Job {
  key: string;
  slot: number;
  /** Another run was in flight at some point during this one. */
  overlapped: boolean;
  discarded: boolean;
  /** Settles after the run ended and its crash and attribution checks were made; never rejects. */
  done: Promise<void>;
  result?: Attempted;
  /** What the run threw instead of a result (an infrastructure error). */
  error?: unknown;
}

/** Runs ahead held at once per worker (finished but not yet reached, or in flight). */
const AHEAD_PER_WORKER = 64;

export class ParallelRunner {
  private readonly options: ParallelOptions;
  private workers: number;
  /** Runs in flight or finished and not yet committed, by execution key. */
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<Job>();
  private readonly freeSlots: number[] = [];
  /** The loop, waiting for a free runner (it goes before any run ahead). */
  private slotWaiters: (() => void)[] = [];
  /** Executions that were running when a service crashed: each is run again with nothing beside it. */
  private readonly suspects = new Set<string>();
  /** Executions found prunable: they stay prunable (evidence only grows), so are never run ahead. */
  private readonly prunable = new Set<string>();
  /** Set while the runs beside a crash drain before the restart: nothing starts meanwhile. */
  private draining?: Promise<void>;
  private releaseDrain?: () => void;
  private alone = false;
  /** An error that ends the exploration (a crashed service that could not be restarted). */
  private failure?: unknown;
  private stopped = false;
  private sequence = 0;
  private readonly attributedBaseline: number;
  readonly stats: ParallelStats;

  constructor(options: ParallelOptions) {
    this.options = options;
    this.workers = options.workers;
    for (let slot = options.workers - 1; slot >= 0; slot--) this.freeSlots.push(slot);
    this.stats = { workers: options.workers, ahead: 0, wasted: 0, wasted_ms: 0, peak: 0 };
    this.attributedBaseline = options.session.messagesWithoutExecutionId;
    options.session.parallel = true;
  }

  /**
   * The run of the execution the loop has reached: the one run ahead if there is one, else a fresh run
   * (alone, if it was beside a crash). Meanwhile the free runners take the executions that come next.
   */
  async obtain(execution: ScheduledExecution, id: string): Promise<Attempted> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      // Every wait below re-checks from the top: a crash may have started a drain meanwhile.
      if (this.draining) {
        await this.draining;
        continue;
      }
      let job = this.jobs.get(execution.key);
      if (!job) {
        if (this.suspects.has(execution.key) || this.workers === 1) {
          this.alone = true;
          if (this.running.size > 0) {
            await Promise.race([...this.running].map((j) => j.done));
            continue;
          }
        }
        if (this.freeSlots.length === 0) {
          await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
          continue;
        }
        job = this.start(execution, id, this.freeSlots.pop()!);
      }
      this.fill();
      await job.done;
      this.alone = false;
      if (job.error !== undefined) throw job.error;
      if (job.discarded) continue;
      this.jobs.delete(execution.key);
      this.suspects.delete(execution.key);
      return job.result!;
    }
  }

  /** The loop pruned (or skipped) this execution: a run of it made ahead is wasted. */
  discard(key: string): void {
    const job = this.jobs.get(key);
    if (!job) return;
    this.waste(job);
  }

  /** Stops running ahead and waits for the runs in flight; what was not reached is wasted. */
  async drain(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) this.waste(job);
    while (this.running.size > 0 || this.draining) {
      if (this.draining) await this.draining;
      else await Promise.race([...this.running].map((j) => j.done));
    }
    this.options.session.parallel = false;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Starts runs ahead on the free runners, in the order the frontier would give them. */
  private fill(): void {
    if (this.stopped || this.draining || this.alone || this.workers === 1) return;
    const cap = AHEAD_PER_WORKER * this.workers;
    let budget = this.options.remaining() - this.jobs.size;
    for (const execution of this.options.explorer.upcoming()) {
      if (this.freeSlots.length === 0 || this.slotWaiters.length > 0 || this.jobs.size >= cap || budget <= 0) return;
      const key = execution.key;
      if (this.jobs.has(key) || this.suspects.has(key) || this.prunable.has(key) || this.options.skip?.(execution)) continue;
      if (this.options.explorer.wouldPrune(execution)) {
        this.prunable.add(key);
        continue;
      }
      this.stats.ahead++;
      budget--;
      this.start(execution, this.options.aheadId(++this.sequence), this.freeSlots.pop()!);
    }
  }

  private start(execution: ScheduledExecution, id: string, slot: number): Job {
    const job: Job = { key: execution.key, slot, overlapped: this.running.size > 0, discarded: false, done: Promise.resolve() };
    for (const other of this.running) other.overlapped = true;
    this.running.add(job);
    this.stats.peak = Math.max(this.stats.peak, this.running.size);
    this.jobs.set(job.key, job);
    job.done = this.options.execute(slot, id, execution).then(
      (result) => this.settle(job, result),
      (err: unknown) => {
        // Kept for the loop, which rethrows it if it reaches this execution; a run ahead that is never
        // reached fails no one.
        job.error = err;
        this.release(job);
      },
    );
    return job;
  }

  /** A run ended: check that it can be trusted, then free its runner. */
  private async settle(job: Job, result: Attempted): Promise<void> {
    job.result = result;
    if (this.options.session.messagesWithoutExecutionId > this.attributedBaseline && this.workers > 1) {
      this.workers = 1;
      this.stats.fallback = 'a message without an execution id arrived (a service of the Python-compatible profile?): it cannot be attributed while executions run at once';
      this.options.log(`--workers: ${this.stats.fallback}; going on with one execution at a time`);
      for (const other of [job, ...this.jobs.values()]) this.waste(other);
    }
    if (result.crashed.length > 0) {
      if (job.overlapped) {
        // Any run beside it may have brought the service down: each of them runs again, alone.
        for (const other of [job, ...this.running]) {
          this.suspects.add(other.key);
          this.waste(other);
        }
      }
      // Otherwise it ran alone: the crash is its own, and judged so. Either way nothing starts until the
      // runs in flight have ended and the service is back; whoever started the drain restarts it.
      this.running.delete(job);
      if (!this.draining) {
        this.draining = new Promise((resolve) => (this.releaseDrain = resolve));
        while (this.running.size > 0) await Promise.race([...this.running].map((j) => j.done));
        try {
          await this.options.restartCrashed();
        } catch (err) {
          // A service that does not come back stops the exploration, as it does with one worker.
          this.failure ??= err;
        }
        const release = this.releaseDrain!;
        this.draining = undefined;
        this.releaseDrain = undefined;
        release();
      }
    }
    this.release(job);
  }

  private release(job: Job): void {
    this.running.delete(job);
    this.freeSlots.push(job.slot);
    if (this.draining) return; // the drain's end wakes whoever waits (obtain re-checks)
    const waiter = this.slotWaiters.shift();
    if (waiter) waiter();
    else this.fill();
  }

  private waste(job: Job): void {
    if (job.discarded) return;
    job.discarded = true;
    if (this.jobs.get(job.key) === job) this.jobs.delete(job.key);
    this.stats.wasted++;
    // Counted when it ends, if it is still running.
    void job.done.then(() => (this.stats.wasted_ms += Math.round(job.result?.outcome.durationMs ?? 0)));
  }
}
