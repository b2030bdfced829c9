/**
 * The frontier: scheduled executions waiting to run, in one of two orders.
 *
 * - `dfs` (the default): the original's last-pushed-first stack (filibuster-python §4.3), so counts and
 *   numbering match the published ones.
 * - `by-size`: every fault set of size k before any of size k + 1, so a budgeted run covers all single
 *   faults first, then pairs, and so on. Within one size the order is still last-pushed-first: faults on
 *   downstream calls run before the faults on the calls that reach them, which is what lets dynamic
 *   reduction prune the upstream ones (a 503 on foo → bar after bar was already seen answering 503).
 *
 * Both are O(1) per push and pop: by-size keeps one stack per size and a cursor on the smallest size that
 * may be non-empty (children are always one fault larger than their parent, so the cursor only moves up
 * during a run; a smaller push moves it back).
 */
import type { ScheduledExecution } from './model.js';

export type ExplorationOrder = 'dfs' | 'by-size';
export const EXPLORATION_ORDERS: readonly ExplorationOrder[] = ['dfs', 'by-size'];

export interface Frontier {
  readonly size: number;
  push(execution: ScheduledExecution): void;
  pop(): ScheduledExecution | undefined;
  /** Every waiting execution's key, in no guaranteed order (for state digests). */
  keys(): string[];
  /** The waiting executions in the order `pop` would return them if nothing were pushed meanwhile. */
  upcoming(): Iterable<ScheduledExecution>;
}

export function createFrontier(order: ExplorationOrder): Frontier {
  return order === 'by-size' ? new BySizeFrontier() : new DepthFirstFrontier();
}

class DepthFirstFrontier implements Frontier {
  private readonly stack: ScheduledExecution[] = [];

  get size(): number {
    return this.stack.length;
  }

  push(execution: ScheduledExecution): void {
    this.stack.push(execution);
  }

  pop(): ScheduledExecution | undefined {
    return this.stack.pop();
  }

  keys(): string[] {
    return this.stack.map((s) => s.key);
  }

  *upcoming(): Iterable<ScheduledExecution> {
    for (let i = this.stack.length - 1; i >= 0; i--) yield this.stack[i];
  }
}

class BySizeFrontier implements Frontier {
  /** bySize[k] holds the waiting fault sets of k faults, as a stack. */
  private readonly bySize: ScheduledExecution[][] = [];
  private smallest = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(execution: ScheduledExecution): void {
    const k = execution.failures.length;
    while (this.bySize.length <= k) this.bySize.push([]);
    this.bySize[k].push(execution);
    if (k < this.smallest) this.smallest = k;
    this.count++;
  }

  pop(): ScheduledExecution | undefined {
    if (this.count === 0) return undefined;
    while (this.bySize[this.smallest].length === 0) this.smallest++;
    this.count--;
    return this.bySize[this.smallest].pop();
  }

  keys(): string[] {
    return this.bySize.flatMap((bucket) => bucket.map((s) => s.key));
  }

  *upcoming(): Iterable<ScheduledExecution> {
    for (let k = this.smallest; k < this.bySize.length; k++) {
      const bucket = this.bySize[k];
      for (let i = bucket.length - 1; i >= 0; i--) yield bucket[i];
    }
  }
}
