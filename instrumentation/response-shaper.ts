/**
 * Shapes the bytes of a real HTTP/1.1 response on their way from the network to the client's parser,
 * according to a network condition (conditions.ts): later, in slices, cut after some body bytes (FIN or
 * RST), with a shorter Content-Length, or with body bytes flipped. It works on the wire bytes, so the
 * client's own parser judges the result, as it would judge the same bytes from a real network.
 *
 * Body positions count the bytes after the response head. For a chunked body, offsets of `corrupt` start
 * after the first chunk-size line (the first payload byte is offset 0); `after_bytes` of a cut counts wire
 * bytes (framing included), as a cut on a real network does. Informational (1xx) heads are not told apart.
 *
 * Only timers, no polling; `dispose()` clears them when the connection goes away.
 */
import type { Condition } from './conditions.js';

export interface ShaperSink {
  /** Deliver these bytes to the client. */
  data(chunk: Buffer): void;
  /** The connection closes cleanly (FIN). */
  end(): void;
  /** The connection is reset (RST). */
  reset(): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');

interface Head {
  contentLength?: number;
  chunked: boolean;
}

function parseHead(head: Buffer): Head {
  const text = head.toString('latin1');
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(text);
  return {
    contentLength: length ? Number(length[1]) : undefined,
    chunked: /\r\ntransfer-encoding:[^\r\n]*chunked/i.test(text),
  };
}

export class ResponseShaper {
  private readonly condition: Condition;
  private readonly sink: ShaperSink;
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;
  // Head and body bookkeeping (conditions on body positions).
  private pendingHead: Buffer | undefined = Buffer.alloc(0);
  private head: Head | undefined;
  private bodySeen = 0;
  private limit = 0;
  private cut = false;
  /** corrupt on a chunked body: the first chunk-size line has not been passed yet. */
  private inSizeLine = false;
  private payloadSeen = 0;
  // Paced delivery.
  private queue: Buffer[] = [];
  private pacing = false;
  private ended = false;

  constructor(condition: Condition, sink: ShaperSink) {
    this.condition = condition;
    this.sink = sink;
  }

  /** Bytes from the real connection. */
  write(chunk: Buffer): void {
    if (this.disposed || this.cut) return;
    switch (this.condition.kind) {
      case 'latency':
        this.later(this.condition.delayMs, () => this.sink.data(chunk));
        return;
      case 'paced':
        this.queue.push(chunk);
        if (!this.pacing) this.pace();
        return;
      default:
        this.body(chunk);
    }
  }

  /** The real connection ended (FIN). */
  end(): void {
    if (this.disposed || this.cut) return;
    switch (this.condition.kind) {
      case 'latency':
        this.later(this.condition.delayMs, () => this.sink.end());
        return;
      case 'paced':
        this.ended = true;
        if (!this.pacing) this.pace();
        return;
      default:
        if (this.pendingHead?.length) this.sink.data(this.pendingHead);
        this.sink.end();
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    // Timers of one duration fire in the order they were set, so chunks keep their order.
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Delivers one slice now and the next one `delayMs` later, until the queue and the stream are done. */
  private pace(): void {
    if (this.condition.kind !== 'paced' || this.disposed) return;
    const { sliceBytes, delayMs } = this.condition;
    if (this.queue.length === 0) {
      this.pacing = false;
      if (this.ended) this.sink.end();
      return;
    }
    this.pacing = true;
    const first = this.queue[0];
    const slice = first.subarray(0, sliceBytes);
    if (slice.length === first.length) this.queue.shift();
    else this.queue[0] = first.subarray(sliceBytes);
    this.sink.data(slice);
    this.later(delayMs, () => this.pace());
  }

  /** Conditions on body positions: find the head, then count body bytes. */
  private body(chunk: Buffer): void {
    if (!this.head) {
      const buffered = Buffer.concat([this.pendingHead!, chunk]);
      const at = buffered.indexOf(HEAD_END);
      if (at < 0) {
        this.pendingHead = buffered;
        return;
      }
      this.pendingHead = undefined;
      let head = buffered.subarray(0, at + HEAD_END.length);
      this.head = parseHead(head);
      this.limit = this.cutPoint(this.head);
      if (this.condition.kind === 'truncate' && this.condition.mode === 'content-length' && this.head.contentLength !== undefined) {
        head = Buffer.from(head.toString('latin1').replace(/(\r\ncontent-length:[ \t]*)\d+/i, `$1${this.limit}`), 'latin1');
      }
      this.inSizeLine = this.head.chunked;
      this.sink.data(head);
      chunk = buffered.subarray(at + HEAD_END.length);
      if (this.limit === 0 && this.condition.kind !== 'corrupt') {
        this.finishCut();
        return;
      }
      if (chunk.length === 0) return;
    }
    if (this.condition.kind === 'corrupt') {
      this.sink.data(this.corrupt(chunk));
      return;
    }
    const room = this.limit - this.bodySeen;
    this.bodySeen += chunk.length;
    if (chunk.length < room) {
      this.sink.data(chunk);
      return;
    }
    if (room > 0) this.sink.data(chunk.subarray(0, room));
    this.finishCut();
  }

  /** Where the body is cut: `after_bytes`, else half the announced length, else right after the head. */
  private cutPoint(head: Head): number {
    const c = this.condition;
    if (c.kind !== 'reset-mid-body' && c.kind !== 'truncate') return 0;
    if (c.afterBytes !== undefined) return Math.floor(c.afterBytes);
    return head.contentLength !== undefined ? Math.floor(head.contentLength / 2) : 0;
  }

  private finishCut(): void {
    this.cut = true;
    const c = this.condition;
    // The cut lands after what was delivered, as a real one does: let the client read the bytes first.
    setImmediate(() => {
      if (this.disposed) return;
      if (c.kind === 'reset-mid-body') this.sink.reset();
      else this.sink.end();
    });
  }

  private corrupt(chunk: Buffer): Buffer {
    if (this.condition.kind !== 'corrupt') return chunk;
    const out = Buffer.from(chunk);
    let i = 0;
    if (this.inSizeLine) {
      const lineEnd = out.indexOf('\r\n');
      if (lineEnd < 0) return out;
      this.inSizeLine = false;
      i = lineEnd + 2;
    }
    const { offset, count } = this.condition;
    for (; i < out.length; i++, this.payloadSeen++) {
      if (this.payloadSeen >= offset && this.payloadSeen < offset + count) out[i] ^= 0xff;
    }
    return out;
  }
}
