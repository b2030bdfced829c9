/**
 * Tells when a whole HTTP/1.1 response has come in, from the raw bytes of the connection: the head, then
 * a body framed by Content-Length, by chunked encoding (up to the last chunk and its trailers), or by the
 * connection's end. A response to HEAD, a 204 and a 304 end with their head; informational (1xx) heads
 * are skipped. Used to fire a caller's visible timeout as soon as the callee's answer is all in
 * (condition-socket.ts): the callee has done its work, and the caller would only wait.
 */

const CRLF = '\r\n';

type Body =
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailer'; left: number; line: string }
  | { kind: 'until-close' };

export class ResponseEnd {
  private readonly bodiless: boolean;
  private head = '';
  private body?: Body;
  private done = false;

  /** `method`: the request's method (a response to HEAD has no body). */
  constructor(method: string) {
    this.bodiless = method.toUpperCase() === 'HEAD';
  }

  get complete(): boolean {
    return this.done;
  }

  /** Reads bytes from the connection; true once the response is complete. */
  feed(chunk: Buffer): boolean {
    let rest = chunk;
    while (!this.done && rest.length > 0) rest = this.body ? this.readBody(rest) : this.readHead(rest);
    return this.done;
  }

  /** The connection ended: a body framed by the close is complete. */
  end(): boolean {
    if (this.body?.kind === 'until-close') this.done = true;
    return this.done;
  }

  private readHead(chunk: Buffer): Buffer {
    const before = this.head.length;
    this.head += chunk.toString('latin1');
    const at = this.head.indexOf(CRLF + CRLF);
    if (at < 0) return Buffer.alloc(0);
    const head = this.head.slice(0, at);
    const consumed = at + 4 - before;
    this.head = '';
    const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head)?.[1]);
    if (status >= 100 && status < 200 && status !== 101) return chunk.subarray(consumed); // informational
    if (this.bodiless || status === 204 || status === 304) {
      this.done = true;
      return Buffer.alloc(0);
    }
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (/\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head)) this.body = { kind: 'chunked', state: 'size', left: 0, line: '' };
    else if (length) this.body = { kind: 'length', left: Number(length[1]) };
    else this.body = { kind: 'until-close' };
    if (this.body.kind === 'length' && this.body.left === 0) this.done = true;
    return chunk.subarray(consumed);
  }

  private readBody(chunk: Buffer): Buffer {
    const body = this.body!;
    if (body.kind === 'until-close') return Buffer.alloc(0);
    if (body.kind === 'length') {
      const taken = Math.min(body.left, chunk.length);
      body.left -= taken;
      if (body.left === 0) this.done = true;
      return chunk.subarray(taken);
    }
    return this.readChunked(body, chunk);
  }

  private readChunked(body: Extract<Body, { kind: 'chunked' }>, chunk: Buffer): Buffer {
    if (body.state === 'data' || body.state === 'data-end') {
      const taken = Math.min(body.left, chunk.length);
      body.left -= taken;
      if (body.left === 0) {
        if (body.state === 'data') Object.assign(body, { state: 'data-end', left: 2 }); // the CRLF after the data
        else body.state = 'size';
      }
      return chunk.subarray(taken);
    }
    // A size line or a trailer line: read up to its CRLF.
    const text = chunk.toString('latin1');
    const at = text.indexOf('\n');
    if (at < 0) {
      body.line += text;
      return Buffer.alloc(0);
    }
    const line = (body.line + text.slice(0, at)).replace(/\r$/, '');
    body.line = '';
    if (body.state === 'size') {
      const size = parseInt(line.split(';')[0].trim(), 16);
      if (size > 0) Object.assign(body, { state: 'data', left: size });
      else body.state = 'trailer';
    } else if (line === '') {
      this.done = true; // the empty line after the last chunk's trailers
    }
    return chunk.subarray(at + 1);
  }
}
