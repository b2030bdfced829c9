/**
 * Child processes started in their own process group, so that a timeout or shutdown kills the whole
 * tree (shells, tsx wrappers, anything the command started), with a bounded output tail kept in memory.
 */
import type { ChildProcess } from 'node:child_process';
import { readableTail } from './readable-log.js';

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

  // A crash's own lines can sit before a long error dump (readable-log.ts): keep enough to reach them.
  constructor(limit = 262_144) {
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

  /** The last `n` lines a reader needs (readable-log.ts): error dumps folded, our header lines dropped. */
  readable(n: number): string {
    return readableTail(this.toString(), n);
  }
}
