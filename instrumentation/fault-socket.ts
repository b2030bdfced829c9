/**
 * A socket that fails the way a real one does. Handed to Node's own ClientRequest in place of a network
 * connection, so Node's HTTP client and parser produce the genuine `'error'` event or a genuine
 * IncomingMessage: every client built on http.request (axios, got, node-fetch) sees its own error types.
 */
import { Duplex } from 'node:stream';
import { dnsError, systemError } from './errors.js';
import { responseHead, type Fault } from './faults.js';

export class FaultSocket extends Duplex {
  connecting = true;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private acted = false;
  private readonly fault: Fault;
  private readonly fireTimeout?: () => void;
  private idleTimer?: NodeJS.Timeout;
  timeout = 0;

  constructor(fault: Fault, host: string, port: number, fireTimeout?: () => void) {
    super();
    this.fault = fault;
    this.fireTimeout = fireTimeout;
    this.remoteAddress = host;
    this.remotePort = port;
    setImmediate(() => this.connect());
  }

  private connect(): void {
    if (this.destroyed) return;
    if (this.fault.kind === 'refused') {
      this.destroy(systemError('ECONNREFUSED', 'connect', this.remoteAddress, this.remotePort));
      return;
    }
    if (this.fault.kind === 'dns') {
      this.destroy(dnsError(this.fault.code, this.remoteAddress));
      return;
    }
    this.connecting = false;
    this.emit('connect');
    this.emit('ready');
  }

  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.idleTimer?.refresh();
    callback();
    // Act once the request has been written, as the peer would.
    if (!this.acted) {
      this.acted = true;
      setImmediate(() => this.act());
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }

  override _read(): void {
    /* data is pushed by act() */
  }

  private act(): void {
    if (this.destroyed) return;
    const fault = this.fault;
    switch (fault.kind) {
      case 'reset':
        this.destroy(systemError('ECONNRESET', 'read'));
        return;
      case 'timeout':
        this.timeOut();
        return;
      case 'status': {
        const { statusText, headers } = responseHead(fault);
        let head = `HTTP/1.1 ${fault.status} ${statusText}\r\n`;
        for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
        this.push(Buffer.concat([Buffer.from(head + '\r\n'), fault.body]));
        this.push(null);
        return;
      }
      case 'black-hole':
        // Nothing ever comes back. Where the caller's timeout is visible, waiting for it changes nothing
        // but the clock: it fires now, unless the run asked for real time. Otherwise only the idle
        // timeout (setTimeout) may end the wait.
        if (!fault.realTime && (this.fireTimeout || this.timeout > 0)) this.timeOut();
        return;
      case 'refused':
      case 'dns':
      case 'condition':
        return;
    }
  }

  /**
   * The client's own timeout path: its own timer fires now, or the socket reports idleness; the client
   * reacts as it would after its configured delay (axios: "timeout of 10000ms exceeded").
   */
  private timeOut(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.fireTimeout) this.fireTimeout();
    else this.emit('timeout');
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    // A black hole is silence: the socket reports idleness after `ms`, as a real one does.
    if (this.fault.kind === 'black-hole') {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = ms > 0 ? setTimeout(() => this.emit('timeout'), ms).unref() : undefined;
    }
    if (callback) this.once('timeout', callback);
    return this;
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    callback(err);
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  destroySoon(): void {
    this.end();
    this.destroy();
  }

  address(): { address: string; family: string; port: number } {
    return { address: '127.0.0.1', family: 'IPv4', port: 0 };
  }
}
