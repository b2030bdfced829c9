/**
 * Network-condition faults in a catalogue: validation of their parameters, resolution against a call
 * (which timeout a relative latency means, the delay a seeded jitter picks), and their description in
 * results. The instrumentation only ever receives resolved, concrete parameters (`delay_ms`), so a
 * counterexample carries the exact fault and replays it.
 *
 * Catalogue metadata per fault (catalogue `exceptions`; see instrumentation/README.md):
 *   node.Latency        exactly one of
 *                         {"delay_ms": 250}                                   fixed
 *                         {"relative_to": "timeout", "offset_ms": 100}        the call's own timeout ± offset
 *                         {"relative_to": "parent_timeout", "offset_ms": 100} the timeout of the call this one
 *                                                                             is serving (on the path) ± offset
 *                         {"min_ms": 50, "max_ms": 150, "seed": 7}            jitter: one delay per call, drawn
 *                                                                             from the seed and the call's EI
 *   node.BlackHole      {}
 *   node.ResetMidBody   {"after_bytes"?: n}            default: half the announced length, else 0
 *   node.TruncatedBody  {"after_bytes"?: n, "mode"?: "close" | "content_length"}
 *   node.CorruptBody    {"offset"?: 0, "count"?: 1}
 *   node.SlowBody       {"bytes_per_second": n}
 *   node.Sliced         {"slice_bytes": n, "delay_ms": n}
 *   node.ENOTFOUND, node.EAI_AGAIN  {}                offered only for calls by host name
 * A relative latency is offered only where it means something: the call (or its parent) has a timeout,
 * and the delay ends before the call's own timeout would (otherwise the call's timeout fires first and the
 * fault is a plain timeout, which node.Timeout explores without waiting).
 * A body fault (ResetMidBody, TruncatedBody, CorruptBody, SlowBody, Sliced) is offered only where the call's
 * recorded response has a body to shape: never on a HEAD request, a 1xx, 204 or 304 answer, an empty body,
 * or a call that ended in an error. A call recorded without any outcome (a catalogue asked about a call
 * that has not run) is given them.
 */
import { createHash } from 'node:crypto';
import { NETWORK_FAULTS, type ExceptionRecord, type FailureMetadata, type ForcedException, type ReturnValue } from '../../instrumentation/protocol.js';

/**
 * The call a fault is resolved against: its metadata and that of the call it was made while serving, and
 * its outcome in the execution that recorded it (the response its body faults would shape).
 */
export interface CallOnPath {
  ei?: string;
  method?: string;
  metadata: Record<string, unknown>;
  parentMetadata?: Record<string, unknown>;
  returnValue?: Pick<ReturnValue, 'status_code' | 'text'>;
  exception?: ExceptionRecord;
}

/** The faults whose callee really answers: the caller's outcome depends on that answer, not only on the fault. */
const PASS_THROUGH = new Set<string>([
  NETWORK_FAULTS.latency,
  NETWORK_FAULTS.resetMidBody,
  NETWORK_FAULTS.slowBody,
  NETWORK_FAULTS.sliced,
  NETWORK_FAULTS.truncatedBody,
  NETWORK_FAULTS.corruptBody,
]);

/** The faults that shape the response body: they need one. */
const BODY_FAULTS = new Set<string>([NETWORK_FAULTS.resetMidBody, NETWORK_FAULTS.truncatedBody, NETWORK_FAULTS.corruptBody, NETWORK_FAULTS.slowBody, NETWORK_FAULTS.sliced]);

/** md5 of nothing: the body hash the instrumentation records for an empty body. */
const EMPTY_BODY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

/** Statuses whose response never has a body (RFC 9110: 1xx, 204, 304). */
function statusWithoutBody(status: string): boolean {
  return status.startsWith('1') || status === '204' || status === '304';
}

/** False where the call's recorded outcome shows there is no body for a body fault to shape. */
export function hasBody(call: Pick<CallOnPath, 'method' | 'returnValue' | 'exception'>): boolean {
  if (call.method?.toUpperCase() === 'HEAD') return false;
  if (call.returnValue) return !statusWithoutBody(String(call.returnValue.status_code)) && call.returnValue.text !== EMPTY_BODY_MD5;
  return call.exception === undefined;
}

/** The Node exception faults the instrumentation knows; any other `node.*` name is a catalogue error. */
const NODE_EXCEPTIONS = new Set<string>(['node.ECONNREFUSED', 'node.ECONNRESET', 'node.Timeout', ...Object.values(NETWORK_FAULTS)]);

type Check = (md: Record<string, unknown>) => string | undefined;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative = (v: unknown) => isNumber(v) && v >= 0;
const nonNegativeInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

function only(md: Record<string, unknown>, allowed: string[]): string | undefined {
  const extra = Object.keys(md).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return undefined;
  return `unknown parameter${extra.length > 1 ? 's' : ''} ${extra.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ') || 'none'})`;
}

function optional(md: Record<string, unknown>, key: string, ok: (v: unknown) => boolean, what: string): string | undefined {
  return md[key] === undefined || ok(md[key]) ? undefined : `${key} must be ${what}, got ${JSON.stringify(md[key])}`;
}

function required(md: Record<string, unknown>, key: string, ok: (v: unknown) => boolean, what: string): string | undefined {
  return md[key] !== undefined && ok(md[key]) ? undefined : `${key} must be ${what}${md[key] === undefined ? ' (missing)' : `, got ${JSON.stringify(md[key])}`}`;
}

const first = (...problems: (string | undefined)[]) => problems.find((p) => p !== undefined);

function latencyProblem(md: Record<string, unknown>): string | undefined {
  if (md.delay_ms !== undefined) return first(only(md, ['delay_ms']), required(md, 'delay_ms', nonNegative, 'a number of milliseconds >= 0'));
  if (md.relative_to !== undefined) {
    return first(
      only(md, ['relative_to', 'offset_ms']),
      md.relative_to === 'timeout' || md.relative_to === 'parent_timeout' ? undefined : `relative_to must be "timeout" or "parent_timeout", got ${JSON.stringify(md.relative_to)}`,
      required(md, 'offset_ms', isNumber, 'a number of milliseconds (negative: just under)'),
    );
  }
  if (md.min_ms !== undefined || md.max_ms !== undefined) {
    return first(
      only(md, ['min_ms', 'max_ms', 'seed']),
      required(md, 'min_ms', nonNegative, 'a number of milliseconds >= 0'),
      required(md, 'max_ms', nonNegative, 'a number of milliseconds >= 0'),
      (md.max_ms as number) >= (md.min_ms as number) ? undefined : 'max_ms must be >= min_ms',
      required(md, 'seed', Number.isInteger, 'an integer'),
    );
  }
  return 'needs one of: delay_ms; relative_to with offset_ms; min_ms, max_ms and seed';
}

const CHECKS: Record<string, Check> = {
  [NETWORK_FAULTS.latency]: latencyProblem,
  [NETWORK_FAULTS.blackHole]: (md) => only(md, []),
  [NETWORK_FAULTS.resetMidBody]: (md) => first(only(md, ['after_bytes']), optional(md, 'after_bytes', nonNegativeInt, 'an integer >= 0')),
  [NETWORK_FAULTS.truncatedBody]: (md) =>
    first(
      only(md, ['after_bytes', 'mode']),
      optional(md, 'after_bytes', nonNegativeInt, 'an integer >= 0'),
      optional(md, 'mode', (v) => v === 'close' || v === 'content_length', '"close" or "content_length"'),
    ),
  [NETWORK_FAULTS.corruptBody]: (md) =>
    first(only(md, ['offset', 'count']), optional(md, 'offset', nonNegativeInt, 'an integer >= 0'), optional(md, 'count', positiveInt, 'an integer >= 1')),
  [NETWORK_FAULTS.slowBody]: (md) => first(only(md, ['bytes_per_second']), required(md, 'bytes_per_second', (v) => isNumber(v) && v > 0, 'a number > 0')),
  [NETWORK_FAULTS.sliced]: (md) =>
    first(only(md, ['slice_bytes', 'delay_ms']), required(md, 'slice_bytes', positiveInt, 'an integer >= 1'), required(md, 'delay_ms', nonNegative, 'a number of milliseconds >= 0')),
  [NETWORK_FAULTS.dnsNotFound]: (md) => only(md, []),
  [NETWORK_FAULTS.dnsTryAgain]: (md) => only(md, []),
};

export function isNetworkFault(name: string): boolean {
  return name in CHECKS;
}

/** A fault whose callee really answers (its outcome at the caller depends on the callee's answer). */
export function isPassThrough(name: string): boolean {
  return PASS_THROUGH.has(name);
}

/** A fault the Node instrumentation can inject (connection faults and network conditions). */
export function isNodeFaultName(name: string): boolean {
  return NODE_EXCEPTIONS.has(name);
}

/** What is wrong with a catalogue exception entry of ours, or undefined. */
export function exceptionProblem(name: string, metadata: Record<string, unknown>): string | undefined {
  if (name.startsWith('node.') && !NODE_EXCEPTIONS.has(name)) {
    return `unknown Node fault ${JSON.stringify(name)} (known: ${[...NODE_EXCEPTIONS].join(', ')})`;
  }
  const check = CHECKS[name];
  return check ? check(metadata) : undefined;
}

/** What is wrong with an error entry's return_value (headers such as Retry-After), or undefined. */
export function returnValueProblem(rv: Record<string, unknown>): string | undefined {
  if (rv.body !== undefined && typeof rv.body !== 'string') return 'return_value.body must be a string';
  if (rv.content_type !== undefined && typeof rv.content_type !== 'string') return 'return_value.content_type must be a string';
  if (rv.headers === undefined) return undefined;
  const h = rv.headers;
  if (typeof h !== 'object' || h === null || Array.isArray(h) || Object.values(h).some((v) => typeof v !== 'string')) {
    return 'return_value.headers must be an object of strings, e.g. {"Retry-After": "2"}';
  }
  return undefined;
}

/** A number in [0, 1) from the seed and the call: the same call gets the same jitter in every run. */
function seededFraction(seed: unknown, ei: string | undefined): number {
  const digest = createHash('sha256').update(`${String(seed)}|${ei ?? ''}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * The concrete metadata of a network fault for this call, or undefined when the fault does not apply to
 * it (no timeout to be relative to, a delay the call's own timeout would cut short, no host name to fail,
 * no body to shape).
 */
export function resolveNetworkFault(name: string, metadata: Record<string, unknown>, call: CallOnPath): Record<string, unknown> | undefined {
  if (BODY_FAULTS.has(name)) return hasBody(call) ? { ...metadata } : undefined;
  if (name === NETWORK_FAULTS.dnsNotFound || name === NETWORK_FAULTS.dnsTryAgain) {
    return typeof call.metadata.hostname === 'string' ? { ...metadata } : undefined;
  }
  if (name !== NETWORK_FAULTS.latency) return { ...metadata };
  if (isNumber(metadata.delay_ms)) return { ...metadata };
  if (isNumber(metadata.min_ms) && isNumber(metadata.max_ms)) {
    const span = metadata.max_ms - metadata.min_ms;
    return { ...metadata, delay_ms: Math.round(metadata.min_ms + seededFraction(metadata.seed, call.ei) * span) };
  }
  const seconds = (v: unknown) => (v == null || !Number.isFinite(Number(v)) ? undefined : Number(v));
  const own = seconds(call.metadata.timeout);
  const base = metadata.relative_to === 'timeout' ? own : seconds(call.parentMetadata?.timeout);
  if (base === undefined) return undefined;
  const delay = Math.max(0, Math.round(base * 1000 + Number(metadata.offset_ms)));
  // Relative to the parent: only where this call would still be waiting when the delay ends.
  if (metadata.relative_to === 'parent_timeout' && own !== undefined && own * 1000 <= delay) return undefined;
  return { ...metadata, delay_ms: delay };
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(3))} s` : `${ms} ms`;
}

/** "latency 1.1 s", "black hole", ...: a network fault in words, or undefined for other faults. */
export function describeNetworkFault(f: ForcedException): string | undefined {
  const md = f.metadata ?? {};
  switch (f.name) {
    case NETWORK_FAULTS.latency: {
      const delay = isNumber(md.delay_ms) ? seconds(md.delay_ms) : 'unresolved';
      if (md.relative_to) return `latency ${delay} (${md.relative_to === 'timeout' ? "the call's timeout" : "the parent call's timeout"} ${Number(md.offset_ms) >= 0 ? '+' : '−'} ${Math.abs(Number(md.offset_ms))} ms)`;
      if (md.min_ms !== undefined) return `latency ${delay} (jitter ${md.min_ms}–${md.max_ms} ms, seed ${md.seed})`;
      return `latency ${delay}`;
    }
    case NETWORK_FAULTS.blackHole:
      return 'black hole';
    case NETWORK_FAULTS.resetMidBody:
      return `reset mid-body${md.after_bytes !== undefined ? ` after ${md.after_bytes} bytes` : ''}`;
    case NETWORK_FAULTS.truncatedBody:
      return `truncated body${md.after_bytes !== undefined ? ` after ${md.after_bytes} bytes` : ''}${md.mode === 'content_length' ? ' (short Content-Length)' : ''}`;
    case NETWORK_FAULTS.corruptBody:
      return `corrupted body (${md.count ?? 1} byte${Number(md.count ?? 1) > 1 ? 's' : ''} at ${md.offset ?? 0})`;
    case NETWORK_FAULTS.slowBody:
      return `bandwidth ${md.bytes_per_second} B/s`;
    case NETWORK_FAULTS.sliced:
      return `sliced ${md.slice_bytes} B every ${md.delay_ms} ms`;
    case NETWORK_FAULTS.dnsNotFound:
      return 'DNS ENOTFOUND';
    case NETWORK_FAULTS.dnsTryAgain:
      return 'DNS EAI_AGAIN';
    default:
      return undefined;
  }
}

/** "429 (Retry-After: 2)": a status fault with the headers it carries. */
export function describeStatusFault(rv: NonNullable<FailureMetadata['return_value']>): string {
  const headers = rv.headers && typeof rv.headers === 'object' ? Object.entries(rv.headers as Record<string, unknown>) : [];
  return headers.length ? `${rv.status_code} (${headers.map(([k, v]) => `${k}: ${v}`).join(', ')})` : rv.status_code;
}
