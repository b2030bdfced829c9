/**
 * Why the run stopped, as results.json says it (`complete`, `stop_reason`): every reachable execution run
 * or pruned unless a step below says otherwise. A stop that leaves the search unfinished is `because`; a
 * stop the user asked for (--fail-fast, only the fault-free execution) is complete when nothing was pending.
 */
export class RunStop {
  complete = true;
  reason = 'every reachable execution was run or pruned';

  /** The search stopped short: interrupted, a budget, an error, a failing fault-free execution. */
  because(reason: string): void {
    this.complete = false;
    this.reason = reason;
  }

  /** The run did what was asked and stopped there; complete only if nothing was left to explore. */
  asked(reason: string, pending: number): void {
    this.complete = pending === 0;
    this.reason = reason;
  }

  /** A counterexample replay: the search was not the point, nothing is left out. */
  replayed(reason: string): void {
    this.reason = reason;
  }
}
