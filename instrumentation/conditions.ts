/**
 * Network conditions: faults where the real callee answers and the caller receives its response
 * transformed on the way (late, slowly, in slices, cut, or corrupted). The instrumentation owns the
 * client side of the connection, so the transformation happens on the response bytes before the client's
 * own HTTP parser sees them (response-shaper.ts): every client then reports what it would report for the
 * same bytes from a real network, because it is its own parser and its own error path that run.
 *
 * Parameters arrive resolved by the orchestrator (orchestrator/catalogue/network-faults.ts validates catalogues and
 * turns relative delays and seeded jitter into `delay_ms`); here they are only read, and a malformed one
 * refuses the fault (reported, never silently ignored).
 */
import { NETWORK_FAULTS } from './protocol.js';

export type Condition =
  /** Every response byte (and the end) arrives `delayMs` later than it would. */
  | { kind: 'latency'; delayMs: number }
  /** The response arrives in slices of `sliceBytes`, `delayMs` apart (bandwidth caps are slices too). */
  | { kind: 'paced'; sliceBytes: number; delayMs: number }
  /** Headers and `afterBytes` of the body arrive, then the connection is reset (RST). */
  | { kind: 'reset-mid-body'; afterBytes?: number }
  /** `close`: headers and `afterBytes` of the body arrive, then the connection closes (FIN) although the
   * length promised more. `content-length`: Content-Length says `afterBytes` and so does the body. */
  | { kind: 'truncate'; afterBytes?: number; mode: 'close' | 'content-length' }
  /** `count` body bytes from `offset` are flipped (xor 0xff): the default breaks any JSON body. */
  | { kind: 'corrupt'; offset: number; count: number };

/** Bandwidth caps are delivered as slices every 50 ms: timers, never a busy loop. */
const BANDWIDTH_TICK_MS = 50;

function nonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function positive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

/** The condition a pass-through fault asks for, or a refusal reason; undefined for other names. */
export function conditionFrom(name: string, md: Record<string, unknown>): Condition | string | undefined {
  switch (name) {
    case NETWORK_FAULTS.latency:
      return nonNegative(md.delay_ms) ? { kind: 'latency', delayMs: md.delay_ms } : `${name} needs a resolved delay_ms`;
    case NETWORK_FAULTS.slowBody: {
      if (!positive(md.bytes_per_second)) return `${name} needs bytes_per_second > 0`;
      const sliceBytes = Math.max(1, Math.ceil((md.bytes_per_second * BANDWIDTH_TICK_MS) / 1000));
      return { kind: 'paced', sliceBytes, delayMs: (sliceBytes * 1000) / md.bytes_per_second };
    }
    case NETWORK_FAULTS.sliced:
      if (!positive(md.slice_bytes) || !nonNegative(md.delay_ms)) return `${name} needs slice_bytes > 0 and delay_ms >= 0`;
      return { kind: 'paced', sliceBytes: Math.floor(md.slice_bytes) || 1, delayMs: md.delay_ms };
    case NETWORK_FAULTS.resetMidBody:
      if (md.after_bytes !== undefined && !nonNegative(md.after_bytes)) return `${name}: after_bytes must be >= 0`;
      return { kind: 'reset-mid-body', afterBytes: md.after_bytes as number | undefined };
    case NETWORK_FAULTS.truncatedBody:
      if (md.after_bytes !== undefined && !nonNegative(md.after_bytes)) return `${name}: after_bytes must be >= 0`;
      if (md.mode !== undefined && md.mode !== 'close' && md.mode !== 'content_length') return `${name}: mode must be "close" or "content_length"`;
      return { kind: 'truncate', afterBytes: md.after_bytes as number | undefined, mode: md.mode === 'content_length' ? 'content-length' : 'close' };
    case NETWORK_FAULTS.corruptBody:
      if ((md.offset !== undefined && !nonNegative(md.offset)) || (md.count !== undefined && !positive(md.count))) {
        return `${name}: offset must be >= 0 and count > 0`;
      }
      return { kind: 'corrupt', offset: (md.offset as number | undefined) ?? 0, count: (md.count as number | undefined) ?? 1 };
    default:
      return undefined;
  }
}
