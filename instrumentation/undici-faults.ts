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

/** Drives the handler as undici would for a real failure or a real response. Always asynchronous. */
export function deliverFault(fault: Fault, handler: Handler, timeout: VisibleTimeout | undefined, host: string, port: number, headersTimeout?: number): void {
  const modern = isNewApi(handler);
  let aborted = false;
  let silence: NodeJS.Timeout | undefined;
  const fail = (err: unknown) => {
    if (modern) (handler.onResponseError as Function)?.call(handler, controller, err);
    else (handler.onError as Function)?.call(handler, err);
  };
  const abort = (reason?: unknown) => {
    if (aborted) return;
    aborted = true;
    if (silence) clearTimeout(silence);
    fail(reason ?? new DOMException('This operation was aborted', 'AbortError'));
  };
  const controller = {
    abort,
    pause() {},
    resume() {},
    get aborted() {
      return aborted;
    },
    get paused() {
      return false;
    },
    reason: null,
  };
  const connect = () => {
    if (modern) (handler.onRequestStart as Function)?.call(handler, controller, {});
    else (handler.onConnect as Function)?.call(handler, abort, null);
  };

  switch (fault.kind) {
    case 'refused':
      fail(systemError('ECONNREFUSED', 'connect', host, port));
      return;
    case 'reset':
      connect();
      if (!aborted) fail(systemError('ECONNRESET', 'read'));
      return;
    case 'dns':
      fail(dnsError(fault.code, host));
      return;
    case 'black-hole':
      connect();
      // Where the caller's timeout is visible, waiting for it changes nothing but the clock: it fires now,
      // as for a Timeout fault, unless the run asked for real time.
      if (!fault.realTime && (timeout?.fire || headersTimeout !== undefined)) {
        if (timeout?.fire) timeout.fire();
        else if (!aborted) {
          aborted = true;
          fail(headersTimeoutError());
        }
        return;
      }
      // Nothing comes back: the caller's signal aborts the call (through `abort`), or undici's own headers
      // timeout fires, as it would against a peer that never answers (default 300 s, kept off the loop).
      silence = setTimeout(() => {
        if (aborted) return;
        aborted = true;
        fail(headersTimeoutError());
      }, headersTimeout ?? UNDICI_DEFAULT_HEADERS_TIMEOUT_MS);
      silence.unref();
      return;
    case 'condition':
      return; // dispatched to the real callee (undici-conditions.ts)
    case 'timeout':
      connect();
      // Fire the caller's own timeout: its signal aborts (fetch rejects with its TimeoutError), or
      // undici's headers timeout error for an explicit headersTimeout.
      if (timeout?.fire) timeout.fire();
      else if (!aborted) {
        aborted = true;
        fail(headersTimeoutError());
      }
      return;
    case 'status': {
      connect();
      if (aborted) return;
      const { statusText, headers } = responseHead(fault);
      if (modern) {
        const headerObject: Record<string, string> = {};
        for (const [k, v] of headers) headerObject[k.toLowerCase()] = v;
        (handler.onResponseStart as Function)?.call(handler, controller, fault.status, headerObject, statusText);
        if (fault.body.length) (handler.onResponseData as Function)?.call(handler, controller, fault.body);
        (handler.onResponseEnd as Function)?.call(handler, controller, {});
      } else {
        const raw: Buffer[] = [];
        for (const [k, v] of headers) raw.push(Buffer.from(k.toLowerCase()), Buffer.from(v));
        (handler.onHeaders as Function)?.call(handler, fault.status, raw, () => {}, statusText);
        if (fault.body.length) (handler.onData as Function)?.call(handler, fault.body);
        (handler.onComplete as Function)?.call(handler, []);
      }
      return;
    }
  }
}
