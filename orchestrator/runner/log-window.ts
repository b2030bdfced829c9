/**
 * The log lines of one execution: what each service the runner started wrote between the execution's
 * start and its end, kept (bounded) by a watch that every line of the service's output passes through
 * while it is open. Executions that overlap (--workers) each see every line written meanwhile.
 */
import { BoundedText } from './bounded-text.js';

/** One service's output as it comes: the watches open on it, and when it last wrote. */
export class ServiceOutput {
  readonly watchers = new Set<BoundedText>();
  lastAt = 0;

  push(chunk: Buffer): void {
    this.lastAt = performance.now();
    for (const w of this.watchers) w.push(chunk);
  }
}

/** What the services wrote while one execution ran. */
export interface ExecutionLogs {
  /** Service → its lines, for every service the runner started. */
  logs: Record<string, string>;
  /** Services given by `url`: the runner does not see their output. */
  notStarted: string[];
}

export class LogWatch {
  private readonly watches: { name: string; output: ServiceOutput; text: BoundedText }[];
  private readonly notStarted: string[];

  constructor(started: readonly { name: string; output: ServiceOutput }[], notStarted: string[]) {
    this.watches = started.map((s) => ({ ...s, text: new BoundedText() }));
    this.notStarted = notStarted;
    for (const w of this.watches) w.output.watchers.add(w.text);
  }

  /**
   * Waits until no service has written for `quietMs` (at most `maxMs` in all): a service often logs an
   * error after it answered (express's error handler logs on the next turn), and the line then reaches
   * the pipe after the test has ended.
   */
  async quiet(quietMs: number, maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    let last = performance.now();
    for (;;) {
      for (const w of this.watches) last = Math.max(last, w.output.lastAt);
      const wait = Math.min(last + quietMs, deadline) - performance.now();
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Ends the watch; stopping again gives the same lines (they stopped coming at the first stop). */
  stop(): ExecutionLogs {
    const logs: Record<string, string> = {};
    for (const w of this.watches) {
      w.output.watchers.delete(w.text);
      logs[w.name] = w.text.toString();
    }
    return { logs, notStarted: this.notStarted };
  }
}
