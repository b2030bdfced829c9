/**
 * A real connection seen through a network condition: the request goes to the real callee unchanged, and
 * the response bytes pass through a ResponseShaper before the client reads them. Handed to Node's
 * ClientRequest (http.ts) or returned by a connector to undici (undici-conditions.ts), so each client's own
 * parser and error paths judge the shaped bytes.
 *
 * Its idle timeout (`setTimeout`) counts what the client sees, not what the network delivered: a response
 * held back by a latency is silence to the client, as it would be on a slow network.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Condition } from './conditions.js';
import { systemError } from './errors.js';
import { ResponseEnd } from './response-end.js';
import { ServedByReader } from './served-by.js';
import { ResponseShaper } from './response-shaper.js';

/** A timeout kept by the client itself (a fetch signal, follow-redirects), which the socket cannot see. */
export interface ClientTimeout {
  ms: number;
  fire: () => void;
}

/**
 * How a latency past the caller's timeout ends: `'real-time'` waits for the timeout; otherwise the
 * timeout fires once the callee's answer is all in (after that, waiting changes nothing but the clock).
 * The timeout is the client's own (`ClientTimeout`) or the socket's idle timeout (`setTimeout`).
 */
export type LatencyTimeout = 'real-time' | { client?: ClientTimeout };

export class ConditionSocket extends Duplex {
  private readonly real: Socket;
  private readonly shaper: ResponseShaper;
  private idleTimer?: NodeJS.Timeout;
  timeout = 0;
  /** Watches the real response for its end, when a latency may outlast the caller's timeout. */
  private answer?: { end?: ResponseEnd; delayMs: number; client?: ClientTimeout };

  /** `onServedBy`: the callee named itself in its response head (served-by.ts), shown to the client or not. */
  constructor(real: Socket, condition: Condition, latencyTimeout: LatencyTimeout = 'real-time', onServedBy?: (name: string) => void) {
    super();
    this.real = real;
    const servedBy = onServedBy && new ServedByReader(onServedBy);
    if (condition.kind === 'latency' && latencyTimeout !== 'real-time') {
      this.answer = { delayMs: condition.delayMs, client: latencyTimeout.client };
    }
    this.shaper = new ResponseShaper(condition, {
      data: (chunk) => {
        this.touch();
        this.push(chunk);
      },
      end: () => {
        this.push(null);
        this.real.destroy();
      },
      reset: () => {
        this.real.destroy();
        this.destroy(systemError('ECONNRESET', 'read'));
      },
    });
    real.on('data', (chunk: Buffer) => {
      servedBy?.feed(chunk);
      this.shaper.write(chunk);
      if (this.answer?.end?.feed(chunk)) this.answered();
    });
    real.on('end', () => {
      this.shaper.end();
      if (this.answer?.end?.end()) this.answered();
    });
    real.on('error', (err) => this.destroy(err));
    real.on('connect', () => this.emit('connect'));
    real.on('secureConnect', () => this.emit('secureConnect'));
    // Node's http client announces the end of a response on a reusable socket with 'free'; this connection
    // carried a fault and is not reused.
    this.on('free', () => this.destroy());
  }

  get connecting(): boolean {
    return this.real.connecting;
  }

  get remoteAddress(): string | undefined {
    return this.real.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.real.remotePort;
  }

  get remoteFamily(): string | undefined {
    return this.real.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.real.localAddress;
  }

  get localPort(): number | undefined {
    return this.real.localPort;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    // The request line's method tells whether the response has a body (HEAD).
    if (this.answer && !this.answer.end) {
      this.answer.end = new ResponseEnd(chunk.toString('latin1', 0, 16).split(' ')[0]);
    }
    this.real.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.real.end();
    callback();
  }

  override _read(): void {
    /* the shaper pushes */
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.shaper.dispose();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // Closed when the real connection has closed, as a net.Socket is (its 'close' comes from libuv later
    // than a stream's own): clients order their events on it.
    if (this.real.closed) setImmediate(() => callback(err));
    else {
      this.real.once('close', () => callback(err));
      this.real.destroy();
    }
  }

  /**
   * The callee's answer is all in. If the latency outlasts the caller's timeout, the caller would see
   * nothing before its timeout: it fires now (the delayed bytes still follow, for a client that waits on).
   */
  private answered(): void {
    const answer = this.answer!;
    this.answer = undefined;
    const limit = answer.client?.ms ?? (this.timeout > 0 ? this.timeout : undefined);
    if (limit === undefined || answer.delayMs < limit) return;
    if (answer.client) return answer.client.fire();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.emit('timeout');
  }

  private touch(): void {
    this.idleTimer?.refresh();
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (ms > 0) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), ms);
      this.idleTimer.unref();
    }
    if (callback) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.real.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.real.setKeepAlive(enable, delay);
    return this;
  }

  ref(): this {
    this.real.ref();
    return this;
  }

  unref(): this {
    this.real.unref();
    return this;
  }

  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  address(): ReturnType<Socket['address']> {
    return this.real.address();
  }
}
