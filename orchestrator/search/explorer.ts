/**
 * Explorer: the original's systematic search, made independent of message timing.
 *
 * When an execution ends, its calls are walked in canonical order; every call that is new (not in the
 * scheduled prefix, by canonical key) and not already failing gets one child execution per applicable
 * fault: the prefix up to and including the call, and the parent's failures plus the new one, sorted by
 * execution index. Per call, exception faults come before error faults (error faults need an
 * instrumented callee). Children go on the frontier (frontier.ts): by default a stack, the most recently
 * pushed first (depth-first), which is the original's order whenever calls are sequential; or smallest
 * fault set first (`by-size`).
 *
 * Two scopes bound what is generated at all: `maxFaults` (a child with more faults is never scheduled;
 * each one dropped is counted in `beyondMaxFaults`; its own extensions are never discovered, so not
 * counted) and the fault filter (a rejected fault is never scheduled; counted in `filteredOut`).
 *
 * Deduplication is the original's, on exact interned keys (keys.ts): a child is dropped when an identical
 * one is on the frontier, or when an execution already run had exactly that log and those failures. Before a child runs,
 * dynamic reduction may prune it (reduction.ts); a pruned child generates nothing. Pruning only ever rests
 * on executions that actually ran, whatever the order, so it is as sound in by-size order as in dfs; the
 * order only decides which evidence exists when an execution comes up, hence how many are pruned.
 */
import type { FaultCatalogue } from '../catalogue/catalogue.js';
import type { FaultFilter } from './filters.js';
import { createFrontier, type ExplorationOrder, type Frontier } from './frontier.js';
import { EMPTY_PREFIX, KeyInterner, failureHead } from './keys.js';
import { ReductionIndex } from './reduction.js';
import { sortFailures, stableJson, ScheduledExecution, type Call, type Failure } from './model.js';

export interface ExplorerOptions {
  dynamicReduction: boolean;
  strictReduction: boolean;
  /** 'dfs' (default, the original's) or 'by-size'. */
  order?: ExplorationOrder;
  /** Largest fault set to schedule (1 = the Java version's "suppress combinations"); unbounded if absent. */
  maxFaults?: number;
  /** Faults that may be injected; all of the catalogue's if absent. */
  filter?: FaultFilter;
}

/** A pruned step names the execution whose outcome it shares (`as`: its number), when one ran under a number. */
export type NextStep = { kind: 'run'; execution: ScheduledExecution } | { kind: 'pruned'; execution: ScheduledExecution; as?: number };

export class Explorer {
  private readonly catalogue: FaultCatalogue;
  private readonly options: ExplorerOptions;
  private frontier: Frontier;
  /** Keys of the executions on the frontier (a key is never pushed twice while on it). */
  private readonly onStack = new Set<string>();
  /** Keys (full log + failures) of the executions already run. */
  private readonly ranKeys = new Set<string>();
  private readonly reduction: ReductionIndex;
  private readonly keys = new KeyInterner();
  private readonly maxFaults: number;
  private readonly filter?: FaultFilter;
  /** The number each run was completed under, in the order runs were added to the reduction index. */
  private readonly runNumbers: number[] = [];
  ranCount = 0;
  prunedCount = 0;
  /** Fault sets not scheduled because they have more than maxFaults faults. */
  beyondMaxFaults = 0;
  /** Fault sets not scheduled because their new fault was rejected by the filter. */
  filteredOut = 0;

  constructor(catalogue: FaultCatalogue, options: ExplorerOptions) {
    this.catalogue = catalogue;
    this.options = options;
    this.frontier = createFrontier(options.order ?? 'dfs');
    this.maxFaults = options.maxFaults ?? Infinity;
    this.filter = options.filter?.active ? options.filter : undefined;
    this.reduction = new ReductionIndex(options.strictReduction, (c) => catalogue.hasRichErrors(c));
  }

  /**
   * Explores in another order from now on; only before anything was scheduled (a run that finds out during
   * its calibration that it drives Python services goes back to the original's depth-first order).
   */
  useOrder(order: ExplorationOrder): void {
    if (this.frontier.size > 0 || this.ranCount > 0) throw new Error('the exploration order can only change before the fault-free execution');
    this.frontier = createFrontier(order);
  }

  get pendingCount(): number {
    return this.frontier.size;
  }

  /** Pops the next execution; pruned ones are returned as such (and generate nothing). */
  next(): NextStep | undefined {
    const execution = this.frontier.pop();
    if (!execution) return undefined;
    this.onStack.delete(execution.key);
    const witness = this.options.dynamicReduction ? this.reduction.prunedBy(execution) : undefined;
    if (witness !== undefined) {
      this.prunedCount++;
      const as = this.runNumbers[witness];
      return as > 0 ? { kind: 'pruned', execution, as } : { kind: 'pruned', execution };
    }
    return { kind: 'run', execution };
  }

  /**
   * The executions `next()` would return, in that order, if none finished meanwhile (parallel.ts runs
   * them ahead of their turn). Lazy: callers stop reading when they have enough.
   */
  upcoming(): Iterable<ScheduledExecution> {
    return this.frontier.upcoming();
  }

  /**
   * Whether `next()` would prune this execution now. Evidence only accumulates (reduction.ts), so an
   * execution prunable now is pruned at its turn too: running it ahead would be wasted.
   */
  wouldPrune(execution: ScheduledExecution): boolean {
    return this.options.dynamicReduction && this.reduction.shouldPrune(execution);
  }

  /**
   * Records a finished execution and schedules its children. `scheduled` is what was planned (undefined
   * for the fault-free execution); `calls` is what happened, in canonical order. `generate: false` records
   * without exploring further (a replayed counterexample).
   */
  complete(number: number, scheduled: ScheduledExecution | undefined, calls: Call[], generate = true): void {
    this.ranCount++;
    const failures = scheduled?.failures ?? [];
    const prefixes = this.keys.prefixIds(calls);
    // The parent's failures are in every child: serialised once here, not once per child.
    const known = new Map<Failure, number>();
    for (const f of failures) known.set(f, this.keys.failureId(f));
    this.ranKeys.add(this.keys.executionKey(prefixes.length ? prefixes[prefixes.length - 1] : EMPTY_PREFIX, failures, known));
    this.reduction.add(calls);
    this.runNumbers.push(number);
    if (!generate) return;

    const inPrefix = new Set<string>();
    if (scheduled) for (let i = 0; i < scheduled.prefixLength; i++) inPrefix.add(scheduled.source[i].key);
    // A call's parent is the call its service was serving (its EI minus the last frame): network faults
    // relative to the parent's timeout need it.
    const byEi = new Map<string, Call>();
    for (const c of calls) if (!byEi.has(c.ei)) byEi.set(c.ei, c);
    const failing = new Set(failures.map((f) => f.execution_index));
    const path = scheduled?.path ?? [];
    let candidate = 0;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i];
      if (inPrefix.has(call.key) || failing.has(call.ei)) continue;
      const added = new Set<string>();
      let head: string | undefined;
      for (const fault of this.faultsFor(call, byEi.get(call.parentEi))) {
        const position = candidate++;
        const failure: Failure = { execution_index: call.ei, ...fault, args: call.args };
        const childFailures = sortFailures([...failures, failure]);
        head ??= failureHead(call);
        known.set(failure, this.keys.newFailureId(head, failure, fault));
        const key = this.keys.executionKey(prefixes[i], childFailures, known);
        known.delete(failure);
        if (added.has(key) || this.onStack.has(key) || this.ranKeys.has(key)) continue;
        added.add(key);
        if (this.filter && !this.filter.allows(call, fault)) {
          this.filteredOut++;
          continue;
        }
        if (childFailures.length > this.maxFaults) {
          this.beyondMaxFaults++;
          continue;
        }
        this.onStack.add(key);
        this.frontier.push(new ScheduledExecution(key, calls, i + 1, childFailures, number, [...path, position]));
      }
    }
  }

  private *faultsFor(call: Call, parent: Call | undefined): Iterable<Pick<Failure, 'forced_exception' | 'failure_metadata'>> {
    // The call itself (its place, for extended catalogues) and its parent's metadata (for faults relative
    // to the timeout of the call it serves).
    const shape = { ...call, parentMetadata: parent?.metadata };
    for (const forced_exception of this.catalogue.exceptionFaults(shape)) yield { forced_exception };
    if (call.target === undefined) return;
    for (const failure_metadata of this.catalogue.errorFaults(call, call.target)) yield { failure_metadata };
  }

  /** A digest of the search state: equal digests, equal futures (used to show bad input changes nothing). */
  digest(): string {
    return stableJson([this.ranCount, this.prunedCount, this.frontier.keys(), [...this.ranKeys].sort()]);
  }
}
