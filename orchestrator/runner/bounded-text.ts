/**
 * Output kept for a reader, bounded: the head and the tail of a stream with a "… N bytes cut …" line
 * between them, and without the lines that only show our own X-Filibuster-* headers (an HTTP client's
 * error dump lists every request header, ours included, and would push the real error line out).
 *
 * The head holds what a process printed first (what it was doing), the tail how it ended (the error and
 * its stack); the middle of a long output is what a reader skips anyway.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * Per stream (stdout, stderr, a service's log lines of one execution): a stack trace with its causes and
 * the lines before it fit several times over, while hundreds of failing executions keep results.json in
 * the megabytes, not the gigabytes.
 */
export const OUTPUT_LIMIT_BYTES = 16 * 1024;

/** A line of a header dump that shows one of our headers (`'x-filibuster-execution': '…'`, `X-Filibuster-Vclock: …`). */
const OUR_HEADER_LINE = /^\s*['"]?x-filibuster-[\w-]+['"]?\s*[:=]/i;
/** One of our headers inside a raw request head printed as one string (`_header: 'GET / HTTP/1.1\r\nX-Filibuster-…: …\r\n…'`). */
const OUR_HEADER_INLINE = /x-filibuster-[\w-]+: [^\r\n\\']*(?:\\r\\n|\r\n)/gi;

/** The line as a reader should see it, or undefined when it only shows one of our headers. */
export function readableLine(line: string): string | undefined {
  if (OUR_HEADER_LINE.test(line)) return undefined;
  return line.includes('ilibuster-') || line.includes('ILIBUSTER-') ? line.replace(OUR_HEADER_INLINE, '') : line;
}

/** A whole text without our headers' lines. */
export function withoutOurHeaders(text: string): string {
  return text
    .split('\n')
    .map(readableLine)
    .filter((l): l is string => l !== undefined)
    .join('\n');
}

/** Collects a stream's text: its first and last `limit / 2` bytes, our headers' lines left out as they come. */
export class BoundedText {
  private readonly half: number;
  private readonly decoder = new StringDecoder('utf8');
  private head = '';
  private headBytes = 0;
  /** The head is closed once a line did not fit: what follows goes to the tail. */
  private headOpen = true;
  private tail: { text: string; bytes: number }[] = [];
  private tailBytes = 0;
  private cutBytes = 0;
  /** The line being written (no newline yet). */
  private partial = '';

  constructor(limit = OUTPUT_LIMIT_BYTES) {
    this.half = Math.max(1, Math.floor(limit / 2));
  }

  push(chunk: Buffer | string): void {
    this.partial += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.partial.split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.line(line, true);
    // A line without an end (a progress bar, a huge JSON dump) must not grow without bound.
    if (Buffer.byteLength(this.partial) > this.half) {
      this.line(this.partial, false);
      this.partial = '';
    }
  }

  /** True when nothing readable was written. */
  get empty(): boolean {
    return this.headBytes === 0 && this.tailBytes === 0 && this.cutBytes === 0 && this.partial === '';
  }

  toString(): string {
    const last = this.partial === '' ? undefined : readableLine(this.partial);
    const tail = this.tail.map((t) => t.text).join('') + (last ?? '');
    const cut = this.cutBytes > 0 ? `… ${this.cutBytes} bytes cut …\n` : '';
    return this.head + cut + tail;
  }

  private line(raw: string, ended: boolean): void {
    const kept = readableLine(raw);
    if (kept === undefined) return;
    const text = ended ? `${kept}\n` : kept;
    const bytes = Buffer.byteLength(text);
    if (this.headOpen && this.headBytes + bytes <= this.half) {
      this.head += text;
      this.headBytes += bytes;
      return;
    }
    this.headOpen = false;
    this.tail.push({ text, bytes });
    this.tailBytes += bytes;
    while (this.tailBytes > this.half && this.tail.length > 1) {
      const dropped = this.tail.shift()!;
      this.tailBytes -= dropped.bytes;
      this.cutBytes += dropped.bytes;
    }
    if (this.tailBytes > this.half) this.cutTailLine();
  }

  /** One line longer than the tail: its end is kept (where an error message usually is). */
  private cutTailLine(): void {
    const only = this.tail[0];
    const buffer = Buffer.from(only.text);
    let start = buffer.length - this.half;
    // Not in the middle of a UTF-8 character: continuation bytes are 10xxxxxx.
    while (start < buffer.length && (buffer[start] & 0xc0) === 0x80) start++;
    const kept = buffer.subarray(start);
    this.cutBytes += start;
    this.tail = [{ text: kept.toString('utf8'), bytes: kept.length }];
    this.tailBytes = kept.length;
  }
}

/** A whole text, bounded and without our headers, as a BoundedText would have kept it. */
export function bounded(text: string, limit = OUTPUT_LIMIT_BYTES): string {
  const b = new BoundedText(limit);
  b.push(text);
  return b.toString();
}
