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
import type { Condition } from './conditions.js';
import { ConditionSocket } from './condition-socket.js';

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
export function dispatchWithCondition(globalDispatcher: object, condition: Condition, opts: unknown, handler: unknown): void {
  const connect: Connector = (o, callback) => {
    const real = connectReal(o);
    const ready = o.protocol === 'https:' ? 'secureConnect' : 'connect';
    const onError = (err: Error) => callback(err, null);
    real.once('error', onError);
    real.once(ready, () => {
      real.off('error', onError);
      callback(null, new ConditionSocket(real, condition));
    });
  };
  const Agent = globalDispatcher.constructor as new (options: { connect: Connector }) => DispatcherLike;
  const agent = new Agent({ connect });
  agent.dispatch(opts, handler);
  // close() lets the call in flight finish, then closes the connection.
  agent.close?.().catch(() => {});
}
