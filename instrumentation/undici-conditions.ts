/**
 * Network conditions for undici (global fetch, npm undici): the call goes to the real callee through a
 * private Agent of the same undici copy as the global dispatcher, whose connector hands undici a
 * ConditionSocket over a real connection. undici's own parser and timers then meet the shaped bytes, so
 * fetch reports "terminated", undici its SocketError, exactly as for the same bytes from a real network.
 *
 * One Agent per faulted call, closed once the call is done: faulted connections are never pooled.
 * TLS options given to the application's global dispatcher are not carried over (the default trust
 * store and SNI are used).
 */
import net from 'node:net';
import tls from 'node:tls';
import { ConditionSocket, type LatencyTimeout } from './condition-socket.js';
import { headersTimeoutError } from './errors.js';
import type { Fault } from './faults.js';
import type { VisibleTimeout } from './timeouts.js';

interface ConnectOptions {
  hostname: string;
  protocol: string;
  port: string | number;
  servername?: string;
}

type Connector = (opts: ConnectOptions, callback: (err: Error | null, socket: unknown) => void) => void;

export interface DispatcherLike {
  dispatch(opts: unknown, handler: unknown): boolean;
  close?(): Promise<void>;
}

function connectReal(opts: ConnectOptions): net.Socket {
  const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
  if (opts.protocol === 'https:') {
    return tls.connect({ host, port: Number(opts.port) || 443, servername: opts.servername || (net.isIP(host) ? undefined : host), ALPNProtocols: ['http/1.1'] });
  }
  return net.connect({ host, port: Number(opts.port) || 80 });
}

/** Dispatches one call through a ConditionSocket; the private Agent closes when the call is done. */
export function dispatchWithCondition(
  globalDispatcher: object,
  fault: Extract<Fault, { kind: 'condition' }>,
  timeout: VisibleTimeout | undefined,
  opts: { headersTimeout?: unknown },
  handler: object,
  onServedBy?: (name: string) => void,
): void {
  const aborting = withAbort(handler);
  handler = aborting.handler;
  const latencyTimeout = latencyTimeoutOf(fault, timeout, opts, aborting.abort);
  const connect: Connector = (o, callback) => {
    const real = connectReal(o);
    const ready = o.protocol === 'https:' ? 'secureConnect' : 'connect';
    const onError = (err: Error) => callback(err, null);
    real.once('error', onError);
    real.once(ready, () => {
      real.off('error', onError);
      callback(null, new ConditionSocket(real, fault.condition, latencyTimeout, onServedBy));
    });
  };
  const Agent = globalDispatcher.constructor as new (options: { connect: Connector }) => DispatcherLike;
  const agent = new Agent({ connect });
  agent.dispatch(opts, handler);
  // close() lets the call in flight finish, then closes the connection.
  agent.close?.().catch(() => {});
}

/**
 * The caller's timeout a latency may outlast: a fetch signal's (fired through the signal), or an explicit
 * `headersTimeout` of npm undici (fired by failing the request with undici's own error, as its timer
 * would). A body timeout alone is not one: a latency delays the head, and the body then comes with it.
 */
function latencyTimeoutOf(
  fault: Extract<Fault, { kind: 'condition' }>,
  timeout: VisibleTimeout | undefined,
  opts: { headersTimeout?: unknown },
  abort: (err: Error) => void,
): LatencyTimeout {
  if (fault.realTime) return 'real-time';
  const fire = timeout?.fire;
  if (fire) return { client: { ms: timeout!.ms, fire } };
  const headersTimeout = opts.headersTimeout;
  if (typeof headersTimeout === 'number' && headersTimeout > 0) return { client: { ms: headersTimeout, fire: () => abort(headersTimeoutError()) } };
  return 'real-time';
}

/** The handler, and a way to fail its request: undici hands the abort to onConnect, or a controller to onRequestStart. */
function withAbort(handler: object): { handler: object; abort: (err: Error) => void } {
  let abort: ((err: Error) => void) | undefined;
  const wrapped = new Proxy(handler as Record<string | symbol, unknown>, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop === 'onConnect') {
        return (fn: (err: Error) => void, ...rest: unknown[]) => {
          abort = fn;
          return value.call(target, fn, ...rest);
        };
      }
      if (prop === 'onRequestStart') {
        return (controller: { abort(err: Error): void }, ...rest: unknown[]) => {
          abort = (err) => controller.abort(err);
          return value.call(target, controller, ...rest);
        };
      }
      return value.bind(target);
    },
  });
  return { handler: wrapped, abort: (err) => abort?.(err) };
}

