/**
 * The reports a process sends (update, entry-response, property, background), in order, over one
 * connection, with at most one request in flight.
 *
 * No timer and no added latency: when no report request is in flight, a report goes out at once, alone,
 * as it would without a queue. Reports made while one is in flight wait, and go together as one
 * POST /filibuster/batch when the answer comes back. On a busy service that turns a request's handful of
 * reports into one or two orchestrator requests (each one costs the orchestrator a wake-up and an HTTP
 * parse, which on a small machine is what the instrumentation's overhead is made of).
 *
 * An orchestrator that predates batches answers 404 to the first one: the queue then resends those
 * messages one by one, in order, and never batches again in this process.
 */
import { debuglog } from 'node:util';
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, PATHS, type BatchablePath, type BatchResponse } from './protocol.js';

const debug = debuglog('filibuster');

/** What a POST got: the status (0 when none came: the breaker is open, or the connection failed) and body. */
export interface PostAnswer {
  status: number;
  text: string;
}

export type Post = (path: string, body: string) => Promise<PostAnswer>;

interface Queued {
  path: BatchablePath;
  /** The message, serialized once when queued (so that later changes to the object do not leak in). */
  json: string;
  bytes: number;
}

/** Envelope bytes per message in a batch: `{"path":"…","body":…},`. */
const ENVELOPE = 32;

export class ReportQueue {
  private readonly post: Post;
  private readonly queue: Queued[] = [];
  private head = 0;
  private sending = false;
  private batching = true;
  private readonly idleWaiters: (() => void)[] = [];
  /** Requests sent and messages carried, for the curious (tests and benchmarks). */
  readonly stats = { requests: 0, batches: 0, messages: 0 };

  constructor(post: Post) {
    this.post = post;
  }

  /** False once an orchestrator answered 404 to a batch: this process sends reports one by one. */
  get batchingEnabled(): boolean {
    return this.batching;
  }

  push(path: BatchablePath, message: unknown): void {
    const json = JSON.stringify(message);
    this.queue.push({ path, json, bytes: Buffer.byteLength(json) });
    this.stats.messages++;
    if (!this.sending) this.pump();
  }

  /** Resolves once every report queued so far has been answered (or given up on). */
  drained(): Promise<void> {
    if (!this.sending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get length(): number {
    return this.queue.length - this.head;
  }

  private pump(): void {
    if (this.length === 0) {
      this.queue.length = 0;
      this.head = 0;
      this.sending = false;
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    this.sending = true;
    this.stats.requests++;
    // A queue that never empties (a service under constant load) is compacted now and then.
    if (this.head > 1024) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (!this.batching || this.length === 1) {
      const one = this.queue[this.head++];
      void this.post(one.path, one.json).then((answer) => {
        if (answer.status >= 400) debug('orchestrator answered %d to %s: %s', answer.status, one.path, answer.text);
        this.pump();
      });
      return;
    }
    const taken = this.take();
    this.stats.batches++;
    let body = '{"messages":[';
    for (let i = 0; i < taken.length; i++) body += `${i > 0 ? ',' : ''}{"path":"${taken[i].path}","body":${taken[i].json}}`;
    body += ']}';
    void this.post(PATHS.batch, body).then((answer) => {
      if (answer.status === 404) {
        // An older orchestrator: nothing was applied, so the same messages go again, one by one, first.
        debug('the orchestrator has no %s: reports go one by one from now on', PATHS.batch);
        this.batching = false;
        this.head -= taken.length;
      } else if (answer.status >= 400) debug('orchestrator answered %d to a batch of %d: %s', answer.status, taken.length, answer.text);
      else if (answer.status > 0) this.logRejected(taken, answer.text);
      this.pump();
    });
  }

  /** The longest prefix of the queue within the batch limits (at least one message). */
  private take(): Queued[] {
    const end = Math.min(this.queue.length, this.head + MAX_BATCH_MESSAGES);
    let i = this.head;
    let bytes = 16;
    while (i < end && (i === this.head || bytes + this.queue[i].bytes + ENVELOPE <= MAX_BATCH_BYTES)) bytes += this.queue[i++].bytes + ENVELOPE;
    const taken = this.queue.slice(this.head, i);
    this.head = i;
    return taken;
  }

  private logRejected(taken: Queued[], text: string): void {
    if (!debug.enabled) return;
    try {
      const { results } = JSON.parse(text) as BatchResponse;
      results.forEach((r, i) => {
        if (r.status >= 400) debug('orchestrator answered %d to %s (in a batch): %s', r.status, taken[i]?.path, r.error);
      });
    } catch {
      debug('orchestrator answered a batch with %s', text);
    }
  }
}
