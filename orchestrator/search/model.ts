/**
 * The explorer's data: recorded calls, planned failures and test executions, with canonical keys.
 *
 * A call's canonical key stands for the original's 13-field log-entry equality: its position in the
 * canonical order (which is what `generated_id` means in a sequential run), execution index, module,
 * method, args, kwargs, metadata, source service, vector clocks and call site. Two entries are equal
 * iff their keys are equal; no field is ever compared by scanning lists.
 */
import { hash } from 'node:crypto';
import { describeNetworkFault, describeStatusFault } from '../catalogue/network-faults.js';
import type { ExceptionRecord, FailureMetadata, ForcedException, ReturnValue, StackFrame, VClock } from '../../instrumentation/protocol.js';

/** A planned failure, as the original's filtered failure record. */
export interface Failure {
  execution_index: string;
  forced_exception?: ForcedException;
  failure_metadata?: FailureMetadata;
  args: unknown[];
}

/** One call of a finished execution, in canonical order. */
export interface Call {
  /** Position in the canonical order (0-based). */
  position: number;
  key: string;
  generatedId: number;
  ei: string;
  parentEi: string;
  module: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  metadata: Record<string, unknown>;
  source: string;
  callee?: string;
  target?: string;
  /** For a call the entry service made: which of the test's requests it served (their order in the test). */
  rootSequence?: number;
  vclock: VClock;
  originVclock: VClock;
  callsiteFile: string;
  callsiteLine: string;
  fullTraceback: string;
  /** Our instrumentation's stack frames (absent from other clients). */
  stackFrames?: StackFrame[];
  returnValue?: ReturnValue;
  exception?: ExceptionRecord;
  /** The planned failure with this call's EI, if any (the original's `fault_injection`). */
  failure?: Failure;
  /** When the call started and its outcome arrived, in ms since its execution opened (server/execution.ts). */
  startMs?: number;
  endMs?: number;
}

/** A scheduled execution. Its prefix is a view on the discovering execution's calls, not a copy. */
export class ScheduledExecution {
  readonly key: string;
  readonly failures: Failure[];
  /** 1-based number of the execution whose run discovered it. */
  readonly discoveredBy: number;
  /** The discovering execution's calls; the prefix is source[0 .. prefixLength - 1] (read in place by hot loops). */
  readonly source: readonly Call[];
  readonly prefixLength: number;
  /**
   * Where the search found it: for each ancestor from the fault-free execution's children down, its
   * position among its parent's candidate children (duplicates and scoped-out ones included, so the
   * positions do not depend on what else ran). Orders a sharded run's executions (shard.ts).
   */
  readonly path: readonly number[];

  constructor(key: string, source: readonly Call[], length: number, failures: Failure[], discoveredBy: number, path: readonly number[] = []) {
    this.key = key;
    this.source = source;
    this.prefixLength = length;
    this.failures = failures;
    this.discoveredBy = discoveredBy;
    this.path = path;
  }

  /** The discovering execution's calls up to and including the faulted one. */
  get prefix(): readonly Call[] {
    return this.source.slice(0, this.prefixLength);
  }
}

/** One-shot hashing (crypto.hash): no Hash object per key, about half the cost of createHash here. */
export function md5(text: string): string {
  return hash('md5', text, 'hex');
}

/**
 * JSON with object keys sorted, so equal values always give equal text. Undefined values (in arrays and
 * objects alike) are written as null, so `{a: undefined}` and `{a: null}` are the same entry.
 *
 * Written with loops and string concatenation rather than map/join: it builds every canonical key, and
 * this form allocates no intermediate arrays (the explorer's hottest function before).
 */
export function stableJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stableJson(value[i]);
    return out + ']';
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    out += (i === 0 ? '' : ',') + JSON.stringify(k) + ':' + stableJson((value as Record<string, unknown>)[k]);
  }
  return out + '}';
}

export function callKey(c: Omit<Call, 'key'>): string {
  return md5(
    stableJson([
      c.position,
      c.ei,
      c.module,
      c.method,
      c.args,
      c.kwargs,
      c.metadata,
      c.source,
      c.vclock,
      c.originVclock,
      c.callsiteFile,
      c.callsiteLine,
      c.fullTraceback,
    ]),
  );
}

export function failureKey(f: Failure): string {
  return stableJson(f);
}

/** The original sorts a failure list by execution-index text. */
export function sortFailures(failures: Failure[]): Failure[] {
  return failures.sort((a, b) => (a.execution_index < b.execution_index ? -1 : a.execution_index > b.execution_index ? 1 : 0));
}

/** "latency 1.1 s", "503", "node.ECONNREFUSED": the fault alone, in words. */
export function faultInWords(f: Pick<Failure, 'forced_exception' | 'failure_metadata'>): string {
  return f.forced_exception
    ? (describeNetworkFault(f.forced_exception) ?? f.forced_exception.name)
    : f.failure_metadata?.return_value
      ? describeStatusFault(f.failure_metadata.return_value)
      : `status ${stableJson(f.failure_metadata?.exception?.metadata ?? {})}`;
}

/**
 * A fault in words. Without its call (a planned fault whose call this execution did not make), by the
 * request it was planned on, never by its execution index: a hash is no name for a reader.
 */
export function describeFailure(f: Failure, call?: Pick<Call, 'source' | 'target' | 'callee' | 'method' | 'args'>): string {
  const what = faultInWords(f);
  if (!call) {
    const url = f.args?.[0];
    return typeof url === 'string' && url !== '' ? `${what} on the call to ${url} (not made in this execution)` : `${what} on a call not made in this execution`;
  }
  return `${what} on ${callInWords(call)}`;
}

/** "users → bookings (GET /bookings/1)": a call in words. */
export function callInWords(call: Pick<Call, 'source' | 'target' | 'callee' | 'method' | 'args'>): string {
  return `${call.source} → ${call.target ?? call.callee ?? String(call.args[0] ?? '')} (${call.method} ${callPath(call)})`;
}

/** The request path of a call. args[0] is the original's host-stripped URL ("5001/movies/1", or "//host:443/x" for https). */
export function callPath(call: Pick<Call, 'args'>): string {
  const url = String(call.args[0] ?? '');
  const slash = url.indexOf('/', url.startsWith('//') ? 2 : 0);
  return slash >= 0 ? url.slice(slash) : url;
}

/** A fault's type as users name it: the exception ("node.ECONNREFUSED") or the status code ("503"). */
export function faultTypeName(f: Pick<Failure, 'forced_exception' | 'failure_metadata'>): string {
  if (f.forced_exception) return f.forced_exception.name;
  const rv = f.failure_metadata?.return_value;
  if (rv) return String(rv.status_code);
  const ex = f.failure_metadata?.exception as { name?: unknown; metadata?: { code?: unknown } } | undefined;
  return String(ex?.metadata?.code ?? ex?.name ?? 'unknown');
}

/** Identifies a fault set whatever order its failures are listed in (the prefix it was planned on aside). */
export function faultSetKey(failures: readonly Failure[]): string {
  return sortFailures([...failures]).map(failureKey).join('|');
}
