/**
 * The health probe of a service (the `health` field of service-config.ts): one bounded attempt at a time,
 * an HTTP request or a TCP connection, and words for what was probed and what came back.
 *
 * The probe never carries the Filibuster headers: it runs in a suppressed instrumentation context (the
 * one the instrumentation uses for its own traffic), so a process that is itself instrumented (the
 * in-process test runner's, in propagate-only mode) adds no execution id to it, and reports nothing.
 * Header values are never put in a message, only their names.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { propagateOnlyContext, storage } from '../../instrumentation/context.js';
import type { HealthMethod, HealthStatus } from './service-config.js';

/** A health check with its URL, port and header values known (`${...}` substituted). */
export type Probe =
  | { kind: 'http'; method: HealthMethod; url: URL; headers: Record<string, string>; status: HealthStatus }
  | { kind: 'tcp'; host: string; port: number };

export interface Attempt {
  up: boolean;
  /** What came back: "answered 401", "connection refused (ECONNREFUSED)", "no answer within 2000 ms", ... */
  saw: string;
  /** The port accepted the connection but what came back (or did not) was not HTTP. */
  notHttp?: boolean;
}

/** What the probe asks, e.g. `HEAD http://127.0.0.1:4100/health with header authorization, expecting 200 or 401`. */
export function describeProbe(probe: Probe): string {
  if (probe.kind === 'tcp') return `a TCP connection to ${probe.host}:${probe.port}`;
  const names = Object.keys(probe.headers);
  const headers = names.length ? ` with header${names.length > 1 ? 's' : ''} ${names.join(', ')}` : '';
  return `${probe.method} ${probe.url.href}${headers}, expecting ${expected(probe.status)}`;
}

function expected(status: HealthStatus): string {
  if (status === 'any') return 'any HTTP answer';
  if (status === '2xx') return 'a 2xx answer';
  return status.length === 1 ? String(status[0]) : `${status.slice(0, -1).join(', ')} or ${status[status.length - 1]}`;
}

export function accepts(status: HealthStatus, code: number): boolean {
  if (status === 'any') return true;
  if (status === '2xx') return code >= 200 && code < 300;
  return status.includes(code);
}

/** One attempt, over within `timeoutMs` whatever the service does. */
export function probeOnce(probe: Probe, timeoutMs: number): Promise<Attempt> {
  const ctx = { ...propagateOnlyContext(undefined), suppressed: true };
  return storage.run(ctx, () => (probe.kind === 'tcp' ? tcpAttempt(probe, timeoutMs) : httpAttempt(probe, timeoutMs)));
}

function connectionError(err: NodeJS.ErrnoException): string {
  const code = err.code;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ECONNRESET') return 'connection reset (ECONNRESET)';
  return code ? `${err.message} (${code})` : err.message;
}

function httpAttempt(probe: Extract<Probe, { kind: 'http' }>, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    let done = false;
    let connected = false;
    const finish = (attempt: Attempt): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(
      () => finish(connected ? { up: false, saw: `connected, but no HTTP answer within ${timeoutMs} ms`, notHttp: true } : { up: false, saw: `no connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const client = probe.url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = client.request(probe.url, { method: probe.method, headers: probe.headers, agent: false }, (res: IncomingMessage) => {
        const code = res.statusCode ?? 0;
        res.resume();
        finish({ up: accepts(probe.status, code), saw: `answered ${code}${res.statusMessage ? ` ${res.statusMessage}` : ''}` });
      });
    } catch (err) {
      // A header value that cannot be sent (a substituted value with a line break): said without the value.
      clearTimeout(timer);
      done = true;
      resolve({ up: false, saw: `the request could not be sent: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return;
    }
    req.on('socket', (socket: net.Socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code?.startsWith('HPE_')) finish({ up: false, saw: `not an HTTP answer (${err.message})`, notHttp: true });
      else if (connected && (err.code === 'ECONNRESET' || err.message === 'socket hang up')) finish({ up: false, saw: 'the connection was closed without an HTTP answer', notHttp: true });
      else finish({ up: false, saw: connectionError(err) });
    });
    req.end();
  });
}

function tcpAttempt(probe: Extract<Probe, { kind: 'tcp' }>, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: probe.host, port: probe.port });
    const finish = (attempt: Attempt): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(() => finish({ up: false, saw: `no connection within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ up: true, saw: 'connected' }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ up: false, saw: connectionError(err) }));
  });
}
