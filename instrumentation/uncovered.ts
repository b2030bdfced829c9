/**
 * Outbound connections the instrumentation does not cover: HTTP/2 sessions and raw net/tls sockets opened
 * by application code (a database driver, a gRPC client, a hand-written protocol). Nothing is injected
 * into them, so a user must know they went unexplored (DESIGN §9): each distinct one is reported once
 * per process, with the background calls, and the report lists them.
 *
 * `net.connect`/`tls.connect` are also how Node's https agent and undici open their sockets; those
 * connections carry the calls we do instrument, so a connection whose opening stack passes through
 * them is not reported. (Node's http agent holds its own reference to net.createConnection and never
 * reaches these wrappers.)
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { syncBuiltinESMExports } from 'node:module';

type Report = (kind: string, target: string) => void;

const COVERED_FRAMES = ['node:https', 'node:_http_agent', 'node:internal/deps/undici', '/node_modules/undici/', '/instrumentation/'];

function targetOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; hostname?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return undefined; // a Unix socket: local IPC, not a network call
    return `${String(o.host ?? o.hostname ?? 'localhost')}:${String(o.port ?? '?')}`;
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return `${typeof second === 'string' ? second : 'localhost'}:${first}`;
  if (typeof first === 'string') {
    try {
      const u = new URL(first);
      return `${u.hostname}:${u.port || (u.protocol === 'https:' ? 443 : 80)}`;
    } catch {
      return undefined; // a Unix socket path
    }
  }
  return undefined;
}

/** Whether the frames below `wrapper` (the application's side of the call) pass through covered code. */
function coveredByUs(wrapper: Function): boolean {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, wrapper);
  const stack = holder.stack ?? '';
  return COVERED_FRAMES.some((f) => stack.includes(f));
}

let installed = false;

/** Wraps the connection functions once per process; `report` hears each uncovered connection once. */
export function watchUncoveredConnections(report: Report): void {
  if (installed) return;
  installed = true;
  const seen = new Set<string>();
  const once = (kind: string, target: string | undefined) => {
    if (target === undefined) return;
    const key = `${kind} ${target}`;
    if (seen.has(key)) return;
    seen.add(key);
    report(kind, target);
  };
  const wrap = <F extends (...args: never[]) => unknown>(original: F, kind: string, always: boolean): F => {
    const wrapper = function (this: unknown, ...args: unknown[]) {
      if (always || !coveredByUs(wrapper)) once(kind, targetOf(args));
      return (original as unknown as (...a: unknown[]) => unknown).apply(this, args);
    };
    return wrapper as unknown as F;
  };
  net.connect = wrap(net.connect, 'raw TCP', false);
  net.createConnection = wrap(net.createConnection, 'raw TCP', false);
  tls.connect = wrap(tls.connect, 'raw TLS', false);
  http2.connect = wrap(http2.connect, 'HTTP/2', true);
  syncBuiltinESMExports();
}
