/**
 * Child processes started in their own process group, so that a timeout or shutdown kills the whole
 * tree (shells, tsx wrappers, anything the command started), with a bounded output tail kept in memory.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
