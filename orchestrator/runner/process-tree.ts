/**
 * Child processes started in their own process group, so that a timeout or shutdown kills the whole
 * tree (shells, tsx wrappers, anything the command started), with a bounded output tail kept in memory.
 */
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readableLine } from './bounded-text.js';

export function killTree(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Stops a process group politely, then firmly; resolves once the leader has exited. */
export function stopTree(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killTree(child, 'SIGKILL'); // descendants may outlive the leader
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      killTree(child, 'SIGKILL');
      resolve();
    });
    killTree(child, 'SIGTERM');
  });
}

/** Keeps the last `limit` characters of a stream of text. */
export class Tail {
  private text = '';
  private readonly limit: number;

  constructor(limit = 16_384) {
    this.limit = limit;
  }

  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit);
  }

  toString(): string {
    return this.text.slice(-this.limit);
  }

  lines(n: number): string {
    return this.toString().split('\n').slice(-n - 1).join('\n').trimEnd();
  }

  /**
   * The last `n` lines a reader needs: without the lines that only show our own headers (an HTTP client's
   * error dump lists every request header, X-Filibuster-* included, and would push the real error line out
   * of the tail).
   */
  readable(n: number): string {
    return this.toString()
      .split('\n')
      .map(readableLine)
      .filter((line): line is string => line !== undefined)
      .slice(-n - 1)
      .join('\n')
      .trimEnd();
  }
}

/**
 * The kernel hands ports from its ephemeral range to outgoing connections too (every keep-alive socket
 * of every test), so a service port taken from that range can be grabbed by a client connection while
 * the service restarts, and the restart fails with EADDRINUSE. Service ports are therefore drawn at
 * random below the ephemeral range and checked by binding them; port 0 is the last resort.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 2048) return low;
  } catch {
    /* not Linux: assume the IANA range */
  }
  return 49152;
}

const PORT_FLOOR = 10000;
const handedOut = new Set<number>();

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/** A free TCP port on 127.0.0.1, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.min(PORT_FLOOR, high - 1000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(candidate)) continue;
    const port = await tryListen(candidate);
    if (port !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}
