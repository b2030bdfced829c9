/**
 * Instrumentation of undici: global `fetch` and npm `undici` (request, stream, fetch) through the global
 * dispatcher, in the shape of OpenTelemetry's UndiciInstrumentation.
 *
 * Diagnostics channels can observe undici but not change what it does, so the global dispatcher is
 * wrapped instead: the wrapper holds a call until the orchestrator decides, then passes it on or drives
 * the caller's handler itself (onError with the real error shape, or a synthetic response), so undici
 * produces `TypeError: fetch failed` with the right cause, or a genuine Response.
 *
 * `fetch` is wrapped only to capture what is lost by the time undici dispatches: the caller's stack and
 * the request's signal (a visible timeout, see timeouts.ts).
 *
 * Not covered (documented): a dispatcher passed explicitly (`fetch(url, { dispatcher })`, `new Pool()`),
 * and a `setGlobalDispatcher()` made by the application after the instrumentation started.
 */
import { createHash } from 'node:crypto';
import { captureStack } from './call-identity.js';
import { exceptionRecord, type CallTracker, type OutboundCall } from './call-tracker.js';
import { currentContext, storage } from './context.js';
import { PatchSlots } from './patch-slots.js';
import { HEADERS } from './protocol.js';
import { patchAbortSignal, timeoutOfSignal, type VisibleTimeout } from './timeouts.js';
import type { Handler } from './undici-handler.js';
import { LazyModule } from './lazy-module.js';

const DISPATCHER_SLOTS = [Symbol.for('undici.globalDispatcher.1'), Symbol.for('undici.globalDispatcher.2')];
const kWrapped = Symbol('filibuster.wrapped');

interface Dispatcher {
  dispatch(opts: DispatchOptions, handler: Handler): boolean;
  [key: string | symbol]: unknown;
}

interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?: unknown;
  headersTimeout?: number;
  bodyTimeout?: number;
  [key: string]: unknown;
}


type GlobalSlots = Record<symbol, Dispatcher | undefined>;

export class UndiciInstrumentation {
  private slots?: PatchSlots;
  /** Cleared by `disable()`: a wrapper of ours that someone wrapped over stays in their chain, passing through. */
  private switch?: { active: boolean };

  private readonly tracker: CallTracker;

  constructor(tracker: CallTracker) {
    this.tracker = tracker;
  }

  enable(): void {
    if (this.slots) return;
    patchAbortSignal();
    // Node 20 loads its bundled undici lazily; touching Response makes it install its global Agent now.
    void (globalThis as { Response?: unknown }).Response;
    const slots = (this.slots = new PatchSlots());
    const on = (this.switch = { active: true });
    const globals = globalThis as unknown as GlobalSlots;
    for (const slot of DISPATCHER_SLOTS) {
      const inner = globals[slot];
      if (inner && !inner[kWrapped]) slots.install(globals, slot, this._wrapDispatcher(inner, on));
    }
    slots.install(globalThis, 'fetch', this._patchFetch(globalThis.fetch, on));
  }

  /** Restores what still holds our wrappers; ours wrapped over by someone else pass through. */
  disable(): void {
    if (!this.slots || !this.switch) return;
    this.switch.active = false;
    this.slots.restore();
    this.slots = this.switch = undefined;
  }

  private _patchFetch(original: typeof fetch, on: { active: boolean }): typeof fetch {
    return function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      const ctx = currentContext();
      if (!on.active || !ctx || ctx.propagateOnly || ctx.suppressed) return original(input, init);
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      const pendingFetch = { ...captureStack(fetch), timeout: timeoutOfSignal(signal) };
      return storage.run({ ...ctx, pendingFetch: { stackSignature: pendingFetch.signature, callsite: pendingFetch.callsite, frames: pendingFetch.frames, timeout: pendingFetch.timeout } }, () =>
        original(input, init),
      );
    };
  }

  private _wrapDispatcher(inner: Dispatcher, on: { active: boolean }): Dispatcher {
    const tracker = this.tracker;
    const wrapper: Dispatcher = Object.create(inner);
    wrapper[kWrapped] = true;
    wrapper.dispatch = function dispatch(opts: DispatchOptions, handler: Handler): boolean {
      if (!on.active) return inner.dispatch(opts, handler);
      const origin = new URL(String(opts.origin));
      const port = Number(origin.port || (origin.protocol === 'https:' ? 443 : 80));
      const pending = currentContext()?.pendingFetch;
      const timeout: VisibleTimeout | undefined =
        pending?.timeout ?? explicitTimeout(opts.headersTimeout) ?? explicitTimeout(opts.bodyTimeout);
      const call = tracker.begin({
        module: pending ? 'node.fetch' : 'node.undici',
        method: String(opts.method).toUpperCase(),
        url: `${origin.protocol}//${origin.hostname}:${port}${opts.path}`,
        host: origin.hostname,
        port,
        path: opts.path,
        stack: pending ? { signature: pending.stackSignature, callsite: pending.callsite, frames: pending.frames ?? [] } : undefined,
        below: dispatch,
        timeout,
      });
      if (!call) return inner.dispatch(opts, handler);
      const withOurs = { ...opts, headers: withHeaders(opts.headers, call.headers) };
      if (!call.tracked) return inner.dispatch(withOurs, handler);
      const observed = observeHandler(handler, call);
      call.requestDecision().then(
        (decision) => {
          const fault = decision.fault;
          if (!fault) return inner.dispatch(withOurs, observed);
          faultDelivery.use((d) => {
            if (fault.kind === 'condition') return d.dispatchWithCondition(inner, fault, call.timeout, withOurs, observed, (name) => call.noteServedBy(name));
            // undici never sees this request, so no client instrumentation records it: we do.
            call.recordUnseenFault({ method: String(opts.method).toUpperCase(), url: `${origin.origin}${opts.path}`, host: origin.hostname, port });
            d.deliverFault(fault, observed, call.timeout, origin.hostname, port, opts.headersTimeout);
          }, () => inner.dispatch(withOurs, observed));
        },
        () => inner.dispatch(withOurs, observed),
      );
      return true;
    };
    return wrapper;
  }
}

function explicitTimeout(ms: unknown): VisibleTimeout | undefined {
  return typeof ms === 'number' && ms > 0 ? { ms } : undefined;
}

/** Adds our headers to undici's header forms (object, flat array, array of pairs, iterable), as a copy. */
function withHeaders(headers: unknown, add: Record<string, string>): unknown {
  if (headers == null) return { ...add };
  if (Array.isArray(headers)) {
    const out = headers.slice();
    for (const [k, v] of Object.entries(add)) {
      if (Array.isArray(out[0])) out.push([k, v]);
      else out.push(k, v);
    }
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(headers as Iterable<[string, string]>), ...Object.entries(add)];
  }
  return { ...(headers as Record<string, string>), ...add };
}


function headerFromRaw(raw: unknown, name: string): string | undefined {
  if (!Array.isArray(raw)) return undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === name) return String(raw[i + 1]);
  }
  return undefined;
}

/** What the call's outcome report needs of a response as it passes: its head, its body's hash, its end. */
class ResponseRecord {
  private readonly call: OutboundCall;
  private readonly hash = createHash('md5');
  private status: number | undefined;
  private contentType = '';

  constructor(call: OutboundCall) {
    this.call = call;
  }

  head(status: number, contentType: string, servedBy: string | undefined): void {
    this.status = status;
    this.contentType = contentType;
    this.call.noteServedBy(servedBy);
  }

  data(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  /** Reported only once a final (not 1xx) head has come. */
  end(): void {
    if (this.status === undefined) return;
    this.call.complete({
      returnValue: { __class__: 'Response', status_code: String(this.status), text: this.hash.digest('hex'), content_type: this.contentType },
    });
  }

  fail(err: unknown): void {
    this.call.complete({ exception: this.call.injectedRecord ?? exceptionRecord(err) });
  }
}

type Overrides = Record<string, (...args: any[]) => unknown>;

/** The older handler API: onHeaders with raw headers, onData, onComplete, onError. */
function legacyOverrides(handler: Handler, record: ResponseRecord): Overrides {
  return {
    onHeaders: (statusCode: number, raw: unknown, ...rest: unknown[]) => {
      if (statusCode >= 200) record.head(statusCode, headerFromRaw(raw, 'content-type') ?? '', headerFromRaw(raw, HEADERS.servedBy));
      return (handler.onHeaders as Function).call(handler, statusCode, raw, ...rest);
    },
    onData: (chunk: Buffer) => {
      record.data(chunk);
      return (handler.onData as Function).call(handler, chunk);
    },
    onComplete: (trailers: unknown) => {
      record.end();
      return (handler.onComplete as Function).call(handler, trailers);
    },
    onError: (err: unknown) => {
      record.fail(err);
      return (handler.onError as Function).call(handler, err);
    },
  };
}

/** The controller-first API: onResponseStart with a headers object, onResponseData, onResponseEnd, onResponseError. */
function modernOverrides(handler: Handler, record: ResponseRecord): Overrides {
  return {
    onResponseStart: (controller: unknown, statusCode: number, headers: Record<string, unknown>, ...rest: unknown[]) => {
      if (statusCode >= 200) {
        const served = headers?.[HEADERS.servedBy];
        record.head(statusCode, String(headers?.['content-type'] ?? ''), typeof served === 'string' ? served : undefined);
      }
      return (handler.onResponseStart as Function).call(handler, controller, statusCode, headers, ...rest);
    },
    onResponseData: (controller: unknown, chunk: Buffer) => {
      record.data(chunk);
      return (handler.onResponseData as Function).call(handler, controller, chunk);
    },
    onResponseEnd: (controller: unknown, trailers: unknown) => {
      record.end();
      return (handler.onResponseEnd as Function).call(handler, controller, trailers);
    },
    onResponseError: (controller: unknown, err: unknown) => {
      record.fail(err);
      return (handler.onResponseError as Function).call(handler, controller, err);
    },
  };
}

/** Wraps a handler to report the call's outcome, forwarding every callback unchanged. */
function observeHandler(handler: Handler, call: OutboundCall): Handler {
  const record = new ResponseRecord(call);
  const overrides: Overrides = { ...legacyOverrides(handler, record), ...modernOverrides(handler, record) };
  return new Proxy(handler, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides && typeof target[prop] === 'function') return overrides[prop];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Faults delivered to an undici handler (lazy-module.ts). */
export const faultDelivery = new LazyModule<typeof import('./undici-faults.js')>(() => import('./undici-faults.js'));
