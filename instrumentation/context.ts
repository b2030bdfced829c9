/**
 * Request context: what a service knows about the inbound request it is serving, carried by an
 * AsyncLocalStorage entered on each inbound request (never `enterWith`, which leaks into sibling work).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HEADERS, parseEi, type EiFrame, type VClock } from './protocol.js';

/** Mutable per-inbound-request state, shared by every call made while serving that request. */
export interface RequestState {
  /** This request's vector clock: the inbound clock, advanced at our name on each outbound call. */
  clock: VClock;
  /** Occurrences per call-identity hash (the EI counters). */
  counters: Map<string, number>;
  /** Start order of outbound calls made while serving this request. */
  nextSibling: number;
}

/** What a fetch() call knows before undici dispatches it (the stack and timeout are lost by then). */
export interface PendingFetch {
  stackSignature: string[];
  callsite: { file: string; line: string };
  frames?: import('./protocol.js').StackFrame[];
  timeout?: import('./timeouts.js').VisibleTimeout;
}

export interface RequestContext {
  executionId?: string;
  requestId: string;
  /** EI of the inbound call (absent at the root, i.e. for requests from the functional test). */
  inboundEi?: EiFrame[];
  /** generated_id of the inbound call. */
  inboundGeneratedId?: number;
  /** The inbound call's vector clock: the origin of every call made while serving it ({} at the root). */
  originVclock: VClock;
  /** Order of the functional test's request that started this tree (root requests only). */
  rootSequence?: number;
  /** True in the functional test's process: propagate the execution id, never report nor fault. */
  propagateOnly?: boolean;
  state: RequestState;
  pendingFetch?: PendingFetch;
  /** Set while the instrumentation talks to the orchestrator, so its own traffic is not instrumented. */
  suppressed?: boolean;
  /**
   * Inside `withoutFaults()` (or serving a request made there): calls are neither reported nor faulted,
   * and carry the mark on to the services they reach.
   */
  withoutFaults?: boolean;
}

export const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

function newState(clock: VClock): RequestState {
  return { clock, counters: new Map(), nextSibling: 0 };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseClock(text: string | undefined): VClock | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const n of Object.values(v)) if (typeof n !== 'number') return undefined;
      return v as VClock;
    }
  } catch {
    /* malformed header: treat as absent */
  }
  return undefined;
}

/**
 * Builds the context of an inbound request from its X-Filibuster-* headers. A request without them is a
 * root request (from the functional test, or from outside any execution).
 */
export function contextFromHeaders(headers: IncomingHttpHeaders): RequestContext {
  const executionId = headerValue(headers, HEADERS.execution);
  const requestId = headerValue(headers, HEADERS.requestId);
  const eiText = headerValue(headers, HEADERS.executionIndex);
  const inboundEi = eiText === undefined ? undefined : parseEi(eiText);
  const gidText = headerValue(headers, HEADERS.generatedId);
  const gid = gidText === undefined ? NaN : Number(gidText);
  const vclock = parseClock(headerValue(headers, HEADERS.vclock)) ?? {};
  const origin = inboundEi ? (parseClock(headerValue(headers, HEADERS.originVclock)) ?? vclock) : {};
  const rootSeqText = headerValue(headers, HEADERS.rootSequence);
  const rootSequence = rootSeqText === undefined ? undefined : Number(rootSeqText);
  if (headerValue(headers, HEADERS.noFaults) === '1') {
    return { requestId: randomUUID(), originVclock: {}, state: newState({}), withoutFaults: true };
  }
  return {
    executionId: executionId || undefined,
    requestId: requestId && requestId !== 'None' ? requestId : randomUUID(),
    inboundEi,
    inboundGeneratedId: inboundEi && Number.isInteger(gid) ? gid : undefined,
    originVclock: origin,
    rootSequence: Number.isInteger(rootSequence) ? rootSequence : undefined,
    state: newState({ ...vclock }),
  };
}

/** A context for the functional test's process (propagate-only mode). */
export function propagateOnlyContext(executionId: string | undefined): RequestContext {
  return { executionId, requestId: randomUUID(), originVclock: {}, propagateOnly: true, state: newState({}) };
}
