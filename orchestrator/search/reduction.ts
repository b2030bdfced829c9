/**
 * Dynamic reduction (the original's `should_prune`), on indexes.
 *
 * A scheduled execution is pruned when, for every call of its prefix that has children in the prefix
 * (and for the virtual root), ONE execution already run gave every one of those children the outcome the
 * scheduled execution plans for it: the same injected or natural exception, the same status code, or, for
 * an unfaulted child, the identical call (canonical key) not itself faulted. A service observes a failed
 * dependency only through its direct dependencies' responses, so such an execution cannot show new
 * behaviour.
 *
 * "Compat" (the default, as published) compares status codes only; `strict` also compares the body hash
 * and content type of responses, and is sound when services read error bodies.
 *
 * Each outcome maps to a list of the executions (by run order) that showed it; pruning needs one
 * execution present in every child's list, found by a galloping intersection of sorted lists. The cost
 * does not grow with scans over the executions already run.
 */
import type { ForcedException } from '../../instrumentation/protocol.js';
import { isPassThrough } from '../catalogue/network-faults.js';
import { md5, stableJson, type Call, type Failure, type ScheduledExecution } from './model.js';

const EMPTY_BODY_MD5 = md5('');

function exceptionSig(e: { name?: unknown; metadata?: unknown }): string {
  return stableJson([e.name ?? null, e.metadata ?? null]);
}

export class ReductionIndex {
  private readonly strict: boolean;
  /** canonical key → runs where that call happened unfaulted. */
  private readonly unfaulted = new Map<string, number[]>();
  /** ei|exception signature → runs. */
  private readonly exceptions = new Map<string, number[]>();
  /** ei|status (and ei|status|body|type in strict mode) → runs. */
  private readonly statuses = new Map<string, number[]>();
  /**
   * Per run, the calls whose faults need more than a status code compared (extra return_value keys,
   * gRPC-style exceptions); empty for most catalogues, so memory stays small.
   */
  private readonly runs: (Map<string, Call[]> | undefined)[] = [];
  private readonly keepRecord: (c: Call) => boolean;

  constructor(strict: boolean, keepRecord: (c: Call) => boolean = () => true) {
    this.strict = strict;
    this.keepRecord = keepRecord;
  }

  /** Adds a finished execution; its calls carry their planned failure, if any. */
  add(calls: readonly Call[]): void {
    const run = this.runs.length;
    // Created only when some call is kept: an empty map per run was a tenth of the explorer's memory.
    let byEi: Map<string, Call[]> | undefined;
    for (const c of calls) {
      if (this.keepRecord(c)) {
        byEi ??= new Map();
        const list = byEi.get(c.ei);
        if (list) list.push(c);
        else byEi.set(c.ei, [c]);
      }
      if (!c.failure) append(this.unfaulted, c.key, run);
      if (c.failure?.forced_exception) append(this.exceptions, `${c.ei}|${exceptionSig(c.failure.forced_exception)}`, run);
      else if (c.exception) append(this.exceptions, `${c.ei}|${exceptionSig(c.exception)}`, run);
      if (c.returnValue) {
        append(this.statuses, `${c.ei}|${c.returnValue.status_code}`, run);
        if (this.strict) {
          append(this.statuses, `${c.ei}|${c.returnValue.status_code}|${c.returnValue.text ?? ''}|${c.returnValue.content_type ?? ''}`, run);
        }
      }
    }
    this.runs.push(byEi);
  }

  /** The original's should_prune. */
  shouldPrune(te: ScheduledExecution): boolean {
    return this.prunedBy(te) !== undefined;
  }

  /**
   * The run (by the order runs were added) that shows what a prunable execution would show at its last
   * fault: the common run of the sibling group holding that fault. Undefined when it is not prunable.
   * (Each group may have its own witness; the last fault's is the one a reader asks about.)
   */
  prunedBy(te: ScheduledExecution): number | undefined {
    const failureByEi = new Map<string, Failure>();
    for (const f of te.failures) failureByEi.set(f.execution_index, f);
    const lastByEi = new Map<string, Call>();
    const children = new Map<string, string[]>([['[]', []]]);
    for (let i = 0; i < te.prefixLength; i++) {
      const c = te.source[i];
      lastByEi.set(c.ei, c);
      const list = children.get(c.parentEi);
      if (list) list.push(c.ei);
      else children.set(c.parentEi, [c.ei]);
    }
    const lastFault = te.failures[te.failures.length - 1]?.execution_index;
    let witness = -1;
    for (const eis of children.values()) {
      if (eis.length === 0) continue; // trivially satisfied by the first run
      const lists: number[][] = [];
      for (const ei of eis) {
        const runs = this.runsMatching(ei, failureByEi.get(ei), lastByEi.get(ei)!);
        if (runs.length === 0) return undefined;
        lists.push(runs);
      }
      const common = firstCommon(lists);
      if (common === undefined) return undefined;
      if (witness < 0 || eis.includes(lastFault)) witness = common;
    }
    return Math.max(0, witness);
  }

  private runsMatching(ei: string, failure: Failure | undefined, planned: Call): number[] {
    if (!failure) return this.unfaulted.get(planned.key) ?? [];
    // A network condition lets the callee answer: what the caller saw depends on that answer (and on the
    // faults below the callee), not on the fault alone, so no earlier run stands for it. Never pruned.
    if (failure.forced_exception && isPassThrough(failure.forced_exception.name)) return [];
    if (failure.forced_exception) return this.exceptions.get(`${ei}|${exceptionSig(failure.forced_exception as ForcedException)}`) ?? [];
    const rv = failure.failure_metadata?.return_value;
    if (rv) {
      const extraKeys = Object.keys(rv).filter((k) => k !== 'status_code');
      if (this.strict) {
        const body = typeof rv.body === 'string' ? md5(rv.body) : EMPTY_BODY_MD5;
        const type = typeof rv.content_type === 'string' ? rv.content_type : 'text/html';
        const runs = this.statuses.get(`${ei}|${rv.status_code}|${body}|${type}`) ?? [];
        return extraKeys.length === 0 ? runs : this.filter(runs, ei, (c) => extraKeys.every((k) => stableJson((c.returnValue as Record<string, unknown> | undefined)?.[k]) === stableJson(rv[k])));
      }
      const runs = this.statuses.get(`${ei}|${rv.status_code}`) ?? [];
      if (extraKeys.length === 0) return runs;
      return this.filter(runs, ei, (c) => extraKeys.every((k) => stableJson((c.returnValue as Record<string, unknown> | undefined)?.[k]) === stableJson(rv[k])));
    }
    const ex = failure.failure_metadata?.exception;
    if (ex) {
      // gRPC-style status faults: every key of the planned exception must equal the recorded one's.
      const all = this.runs.map((_, i) => i);
      return this.filter(all, ei, (c) => {
        const rec = c.exception as Record<string, unknown> | undefined;
        return rec !== undefined && Object.entries(ex).every(([k, v]) => stableJson(rec[k]) === stableJson(v));
      });
    }
    return [];
  }

  private filter(runs: number[], ei: string, ok: (c: Call) => boolean): number[] {
    return runs.filter((r) => (this.runs[r]?.get(ei) ?? []).some(ok));
  }
}

function append(map: Map<string, number[]>, key: string, run: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [run]);
  else if (list[list.length - 1] !== run) list.push(run);
}

/** Lower bound of `value` in the sorted `list`, starting at `from` (galloping, then binary search). */
function seek(list: number[], value: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < list.length && list[hi] < value) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  let lo = from;
  hi = Math.min(hi, list.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first run that appears in every (sorted) list, or undefined. */
function firstCommon(lists: number[][]): number | undefined {
  if (lists.length === 1) return lists[0][0];
  const positions = lists.map(() => 0);
  let candidate = lists[0][0];
  for (;;) {
    let agreed = true;
    for (let i = 0; i < lists.length; i++) {
      positions[i] = seek(lists[i], candidate, positions[i]);
      if (positions[i] === lists[i].length) return undefined;
      const v = lists[i][positions[i]];
      if (v !== candidate) {
        candidate = v;
        agreed = false;
      }
    }
    if (agreed) return candidate;
  }
}
