/**
 * Faults delivered to an undici handler, loaded only when a call gets one (undici.ts): a failure or an
 * injected response driven through the handler as undici would drive it, or a network condition over a
 * real connection (undici-conditions.ts).
 */
import { dnsError, headersTimeoutError, systemError } from './errors.js';
import { responseHead, type Fault } from './faults.js';
import type { VisibleTimeout } from './timeouts.js';
import { isNewApi, type Handler } from './undici-handler.js';

export { dispatchWithCondition } from './undici-conditions.js';

/** undici's Agent waits this long for response headers unless told otherwise. */
const UNDICI_DEFAULT_HEADERS_TIMEOUT_MS = 300_000;

/**
 * One faulted call's side of undici's handler contract, in whichever of its two APIs the handler speaks:
 * the controller (or abort function) the handler is given, and the callbacks a real connection would make.
 * Whatever ends the call first (a fault, the caller's signal, a timeout) ends it once.
 */
class FaultedCall {
  private ended = false;
  private silence: NodeJS.Timeout | undefined;
  private readonly handler: Handler;
  private readonly modern: boolean;
  private readonly controller: object;

  constructor(handler: Handler) {
    this.handler = handler;
    this.modern = isNewApi(handler);
    const call = this;
    this.controller = {
      abort: this.abort,
      pause() {},
      resume() {},
      get aborted() {
        return call.ended;
      },
      get paused() {
        return false;
      },
      reason: null,
    };
  }

  get aborted(): boolean {
    return this.ended;
  }

  fail(err: unknown): void {
    if (this.modern) (this.handler.onResponseError as Function)?.call(this.handler, this.controller, err);
    else (this.handler.onError as Function)?.call(this.handler, err);
  }

  /** Handed to the handler, which may call it unbound. */
  readonly abort = (reason?: unknown): void => {
    if (this.ended) return;
    this.ended = true;
    if (this.silence) clearTimeout(this.silence);
    this.fail(reason ?? new DOMException('This operation was aborted', 'AbortError'));
  };

  /** undici's headers timeout error, unless the call has already ended. */
  headersTimeout(): void {
    if (this.ended) return;
    this.ended = true;
    this.fail(headersTimeoutError());
  }

  connect(): void {
    if (this.modern) (this.handler.onRequestStart as Function)?.call(this.handler, this.controller, {});
    else (this.handler.onConnect as Function)?.call(this.handler, this.abort, null);
  }

  /** Nothing comes back until undici's headers timeout, which is kept off the event loop's count. */
  waitForHeaders(ms: number): void {
    this.silence = setTimeout(() => this.headersTimeout(), ms);
    this.silence.unref();
  }

  respond(status: number, headers: [string, string][], statusText: string, body: Buffer): void {
    if (this.modern) {
      const headerObject: Record<string, string> = {};
      for (const [k, v] of headers) headerObject[k.toLowerCase()] = v;
      (this.handler.onResponseStart as Function)?.call(this.handler, this.controller, status, headerObject, statusText);
      if (body.length) (this.handler.onResponseData as Function)?.call(this.handler, this.controller, body);
      (this.handler.onResponseEnd as Function)?.call(this.handler, this.controller, {});
    } else {
      const raw: Buffer[] = [];
      for (const [k, v] of headers) raw.push(Buffer.from(k.toLowerCase()), Buffer.from(v));
      (this.handler.onHeaders as Function)?.call(this.handler, status, raw, () => {}, statusText);
      if (body.length) (this.handler.onData as Function)?.call(this.handler, body);
      (this.handler.onComplete as Function)?.call(this.handler, []);
    }
  }
}

/**
 * Fire the caller's own timeout: its signal aborts (fetch rejects with its TimeoutError), or undici's
 * headers timeout error for an explicit headersTimeout.
 */
function fireTimeout(call: FaultedCall, timeout: VisibleTimeout | undefined): void {
  if (timeout?.fire) timeout.fire();
  else call.headersTimeout();
}

function blackHole(call: FaultedCall, realTime: boolean | undefined, timeout: VisibleTimeout | undefined, headersTimeout: number | undefined): void {
  call.connect();
  // Where the caller's timeout is visible, waiting for it changes nothing but the clock: it fires now,
  // as for a Timeout fault, unless the run asked for real time.
  if (!realTime && (timeout?.fire || headersTimeout !== undefined)) {
    fireTimeout(call, timeout);
    return;
  }
  // Nothing comes back: the caller's signal aborts the call (through `abort`), or undici's own headers
  // timeout fires, as it would against a peer that never answers.
  call.waitForHeaders(headersTimeout ?? UNDICI_DEFAULT_HEADERS_TIMEOUT_MS);
}

function respond(call: FaultedCall, fault: Extract<Fault, { kind: 'status' }>): void {
  call.connect();
  if (call.aborted) return;
  const { statusText, headers } = responseHead(fault);
  call.respond(fault.status, headers, statusText, fault.body);
}

/** Drives the handler as undici would for a real failure or a real response. Always asynchronous. */
export function deliverFault(fault: Fault, handler: Handler, timeout: VisibleTimeout | undefined, host: string, port: number, headersTimeout?: number): void {
  const call = new FaultedCall(handler);
  switch (fault.kind) {
    case 'refused':
      return call.fail(systemError('ECONNREFUSED', 'connect', host, port));
    case 'reset':
      call.connect();
      if (!call.aborted) call.fail(systemError('ECONNRESET', 'read'));
      return;
    case 'dns':
      return call.fail(dnsError(fault.code, host));
    case 'black-hole':
      return blackHole(call, fault.realTime, timeout, headersTimeout);
    case 'condition':
      return; // dispatched to the real callee (undici-conditions.ts)
    case 'timeout':
      call.connect();
      return fireTimeout(call, timeout);
    case 'status':
      return respond(call, fault);
  }
}
