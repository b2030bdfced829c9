/**
 * The reports a process sends (update, entry-response, property, background), in order, over one
 * connection, with at most one request in flight.
 *
 * A report is held until the end of the event-loop turn it was made in (setImmediate), never longer and
 * with no timer: whatever the turn produced goes out together. Before that, the process's next decision
 * request may take the held reports along (`rideOnDecision`): a call's outcome then costs no request of its
 * own when the same request handler goes on to make another call, which is the common shape. A report made
 * while a request is in flight waits for its answer and goes in the next batch. Each orchestrator request
 * costs it a wake-up and an HTTP parse, which on a small machine is what the instrumentation's overhead is
 * made of.
 *
 * `whenWritten(seq, callback)` sends a report at once if it is still held and tells when its bytes are on
 * the wire: an entry service holds its response until the orchestrator has been told the test's request
 * exists, so the test can never see an answer the orchestrator does not yet wait for.
 *
 * An orchestrator that predates batches answers 404 to the first one: the queue then resends those
 * messages one by one, in order, and never batches again in this process (nor rides on decisions).
 */
import { debuglog } from 'node:util';
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, PATHS, type BatchablePath, type BatchResponse } from './protocol.js';

const debug = debuglog('filibuster');

/** What a POST got: the status (0 when none came: the breaker is open, or the connection failed) and body. */
export interface PostAnswer {
  status: number;
  text: string;
}

/** One request; `onWritten` is called once its bytes are written (or it could not be). */
export type Post = (path: string, body: string, onWritten?: () => void) => Promise<PostAnswer>;

interface Queued {
  /** Numbered in push order: requests write them in that order. */
  seq: number;
  path: BatchablePath;
  /** The message, serialized once when queued (so that later changes to the object do not leak in). */
  json: string;
  bytes: number;
  /** Withdrawn before it went out (`withdraw`): skipped. */
  withdrawn?: boolean;
}

/** Reports taken along by a decision request, to be settled with its answer (`rideAnswered`). */
export interface Ride {
  /** The `reports` array as JSON text. */
  json: string;
  count: number;
  /** Call once the decision request is on the wire. */
  written: () => void;
}

/** Envelope bytes per message in a batch: `{"path":"…","body":…},`. */
const ENVELOPE = 32;

export class ReportQueue {
  private readonly post: Post;
  private readonly queue: Queued[] = [];
  private head = 0;
  /** A report request, or a decision carrying reports, is in flight. */
  private sending = false;
  private scheduled = false;
  private batching = true;
  private readonly idleWaiters: (() => void)[] = [];
  private nextSeq = 1;
  /** Every report up to this one is on the wire (or was given up on). */
  private writtenThrough = 0;
  private writtenWaiters: { seq: number; callback: () => void }[] = [];
  /** Requests sent, messages carried, and messages that rode on decisions (tests and benchmarks). */
  readonly stats = { requests: 0, batches: 0, messages: 0, rode: 0 };

  constructor(post: Post) {
    this.post = post;
  }

  /** False once an orchestrator answered 404 to a batch: this process sends reports one by one. */
  get batchingEnabled(): boolean {
    return this.batching;
  }

  /** Queues a report; returns its number (for `whenWritten`). */
  push(path: BatchablePath, message: unknown): number {
    const json = JSON.stringify(message);
    const seq = this.nextSeq++;
    this.queue.push({ seq, path, json, bytes: Buffer.byteLength(json) });
    this.stats.messages++;
    if (!this.sending && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (!this.sending) this.pump();
      });
    }
    return seq;
  }

  /**
   * Takes back report `seq` if it is still held; true when it will not go out. (A callee's
   * request_received is withdrawn when its response head, which names it, is written first.)
   */
  withdraw(seq: number): boolean {
    if (seq <= this.writtenThrough) return false;
    for (let i = this.queue.length - 1; i >= this.head; i--) {
      const q = this.queue[i];
      if (q.seq === seq) return (q.withdrawn = true);
      if (q.seq < seq) break;
    }
    return false;
  }

  /** Runs `callback` once report `seq` is on the wire, sending it now if it is still held. */
  whenWritten(seq: number, callback: () => void): void {
    if (seq <= this.writtenThrough) return callback();
    this.writtenWaiters.push({ seq, callback });
    if (!this.sending) this.pump();
  }

  /** Takes the held reports for a decision request, or undefined when none can go (order would break). */
  rideOnDecision(): Ride | undefined {
    if (this.sending || !this.batching) return undefined;
    this.skipWithdrawn();
    if (this.length === 0) return undefined;
    const taken = this.take();
    const messages = liveMessages(taken);
    this.sending = true;
    this.stats.rode += messages.count;
    const last = taken[taken.length - 1].seq;
    return { json: messages.json, count: taken.length, written: () => this.wrote(last) };
  }

  /** The decision's answer: `applied` false means the orchestrator ignored the reports (an older one). */
  rideAnswered(ride: Ride, applied: boolean): void {
    if (!applied) {
      debug('the orchestrator ignores reports on decisions: they go apart from now on');
      this.batching = false;
      this.head -= ride.count;
    }
    this.pump();
  }

  /** Resolves once every report queued so far has been answered (or given up on). */
  drained(): Promise<void> {
    if (!this.sending && this.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (!this.sending) this.pump();
    return done;
  }

  private get length(): number {
    return this.queue.length - this.head;
  }

  /** Reports up to `seq` are on the wire. */
  private wrote(seq: number): void {
    if (seq <= this.writtenThrough) return;
    this.writtenThrough = seq;
    if (this.writtenWaiters.length === 0) return;
    const due = this.writtenWaiters.filter((w) => w.seq <= seq);
    if (due.length === 0) return;
    this.writtenWaiters = this.writtenWaiters.filter((w) => w.seq > seq);
    for (const w of due) w.callback();
  }

  private skipWithdrawn(): void {
    while (this.length > 0 && this.queue[this.head].withdrawn) this.writtenThrough = Math.max(this.writtenThrough, this.queue[this.head++].seq);
  }

  private pump(): void {
    this.skipWithdrawn();
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
      void this.post(one.path, one.json, () => this.wrote(one.seq)).then((answer) => {
        if (answer.status >= 400) debug('orchestrator answered %d to %s: %s', answer.status, one.path, answer.text);
        this.pump();
      });
      return;
    }
    const taken = this.take();
    this.stats.batches++;
    const body = `{"messages":${liveMessages(taken).json}}`;
    const last = taken[taken.length - 1].seq;
    void this.post(PATHS.batch, body, () => this.wrote(last)).then((answer) => {
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

/** The JSON array of a batch's (or a ride's) messages, withdrawn ones left out; the first is never withdrawn. */
function liveMessages(taken: Queued[]): { json: string; count: number } {
  let json = '[';
  let count = 0;
  for (const q of taken) {
    if (q.withdrawn) continue;
    json += `${count++ > 0 ? ',' : ''}{"path":"${q.path}","body":${q.json}}`;
  }
  return { json: json + ']', count };
}
