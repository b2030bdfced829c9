/**
 * `run --conditions LIST|all`: network conditions switched on for a run, on top of whatever catalogue it
 * uses (the built-in default or an analysis file). Each short name stands for catalogue exceptions of
 * network-faults.ts, offered to every Node call (node.http/fetch/undici) where they can apply:
 *
 *   blackhole       node.BlackHole, on calls WITHOUT a visible timeout: the callee never answers, which is
 *                   how a missing timeout shows (the call, and the request it serves, wait for good). Where
 *                   the call has a visible timeout, node.Timeout already fires that timeout at once; a
 *                   black hole there would only wait for the same outcome.
 *   latency         node.Latency 100 ms past the call's own timeout (its timer fires, then the answer
 *                   comes), and 100 ms past the timeout of the call it serves (the caller upstream has
 *                   given up while this call still waits). A call with no timeout on its path gets no
 *                   latency: a delay there only delays, and "never answers" is the black hole's.
 *   truncated-body  node.TruncatedBody (the connection closes half-way through the body)
 *   corrupt-body    node.CorruptBody (the first body byte flipped)
 *   reset-mid-body  node.ResetMidBody (reset half-way through the body)
 *   slow-body       node.SlowBody at 1 KiB/s
 *   sliced          node.Sliced: 16-byte slices 20 ms apart (a parser that assumes one chunk)
 *   enotfound       node.ENOTFOUND, on calls by host name
 *   eai-again       node.EAI_AGAIN, on calls by host name
 *
 * The body faults are offered only where the call's recorded response has a body (network-faults.ts:
 * never on HEAD, 1xx, 204, 304 or an empty body). `all` is every name, in this order.
 */
import { NETWORK_FAULTS } from '../../instrumentation/protocol.js';
import { InvalidOptionError } from '../option-error.js';
import type { CallOnPath } from './network-faults.js';

export interface ConditionSpec {
  name: string;
  metadata?: Record<string, unknown>;
  /** Offered only to calls for which this holds (besides the fault's own rules in network-faults.ts). */
  when?: (call: CallOnPath) => boolean;
}

/** A timeout the instrumentation can see (it reports it as `metadata.timeout`). */
function hasVisibleTimeout(call: CallOnPath): boolean {
  return call.metadata.timeout != null;
}

export const CONDITIONS = {
  blackhole: [{ name: NETWORK_FAULTS.blackHole, when: (call) => !hasVisibleTimeout(call) }],
  latency: [
    { name: NETWORK_FAULTS.latency, metadata: { relative_to: 'timeout', offset_ms: 100 } },
    { name: NETWORK_FAULTS.latency, metadata: { relative_to: 'parent_timeout', offset_ms: 100 } },
  ],
  'truncated-body': [{ name: NETWORK_FAULTS.truncatedBody }],
  'corrupt-body': [{ name: NETWORK_FAULTS.corruptBody }],
  'reset-mid-body': [{ name: NETWORK_FAULTS.resetMidBody }],
  'slow-body': [{ name: NETWORK_FAULTS.slowBody, metadata: { bytes_per_second: 1024 } }],
  sliced: [{ name: NETWORK_FAULTS.sliced, metadata: { slice_bytes: 16, delay_ms: 20 } }],
  enotfound: [{ name: NETWORK_FAULTS.dnsNotFound }],
  'eai-again': [{ name: NETWORK_FAULTS.dnsTryAgain }],
} satisfies Record<string, ConditionSpec[]>;

export type ConditionName = keyof typeof CONDITIONS;

export const CONDITION_NAMES = Object.keys(CONDITIONS) as ConditionName[];

function isConditionName(name: string): name is ConditionName {
  return Object.hasOwn(CONDITIONS, name);
}

/**
 * The names of `--conditions`: "all", or a comma-separated list (repeats dropped, in the order of
 * CONDITION_NAMES so that the same set always explores in the same order). An unknown name is a usage
 * error that lists the valid ones.
 */
export function parseConditions(text: string | readonly string[]): ConditionName[] {
  const given = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  if (given.length === 0) throw new InvalidOptionError(`--conditions needs "all" or a comma-separated list of: ${CONDITION_NAMES.join(', ')}`);
  if (given.includes('all')) return [...CONDITION_NAMES];
  const unknown = given.filter((n) => !isConditionName(n));
  if (unknown.length > 0) {
    throw new InvalidOptionError(`--conditions: unknown condition${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (valid: all, ${CONDITION_NAMES.join(', ')})`);
  }
  return CONDITION_NAMES.filter((n) => given.includes(n));
}

/** The catalogue exceptions the named conditions stand for, in order. */
export function conditionSpecs(names: readonly ConditionName[]): ConditionSpec[] {
  return names.flatMap((n): ConditionSpec[] => CONDITIONS[n]);
}
