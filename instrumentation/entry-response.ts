/**
 * Entry responses: what the functional test got from the service it called. The test's own requests are
 * not instrumented calls (they carry no execution index, and faulting them would change the original's
 * counts), so the entry service reports the response it sends: status, content type and an md5 of the
 * body. The report compares it with the fault-free execution's to tell "up" from "degraded".
 *
 * Only requests that carry an execution id (ours, from the test) are reported: when they arrive, so the
 * orchestrator waits for the answer before judging the execution, and when the response is complete (its
 * `end()`, or its connection's close when it never gets there). Both are held with the process's other
 * reports (report-queue.ts) and may ride on a decision; the response's bytes wait until the arrival is on
 * the wire, so the test never holds an answer the orchestrator does not know it is waiting for.
 * The body is hashed as it is written, never buffered: only its first bytes are kept, with the headers,
 * so that a failing execution shows what the test was answered.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PATHS, type EntryResponseMessage } from './protocol.js';

/** Where entry reports go (orchestrator-client.ts). */
export interface EntryReports {
  /** Queues a report; its number, or undefined when it was dropped. */
  send(path: typeof PATHS.entryResponse, message: EntryResponseMessage): number | undefined;
  /** Runs `callback` once report `seq` is on the wire. */
  whenWritten(seq: number, callback: () => void): void;
}

function chunkBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

let entries = 0;

/** Body bytes kept as an excerpt: an error body, or the head of an error page with its message. */
const BODY_EXCERPT_BYTES = 2048;
/** Headers reported; a response with more is not about its headers. */
const MAX_HEADERS = 64;
/** One header value; longer ones (a cookie, a CSP) end with "…". */
const MAX_HEADER_CHARS = 512;
const OURS = /^x-filibuster-/i;

/** The response headers as text, ours left out. */
function headersOf(res: ServerResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.getHeaders()).slice(0, MAX_HEADERS)) {
    if (OURS.test(name) || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name] = text.length > MAX_HEADER_CHARS ? `${text.slice(0, MAX_HEADER_CHARS - 1)}…` : text;
  }
  return out;
}

/** The excerpt as text, or undefined when it is not text (a NUL, or bytes that are not UTF-8). */
function excerptText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  // A cut UTF-8 character at the end is the excerpt's doing, not the body's.
  const body = text.replace(/\uFFFD{1,3}$/, '');
  return body.includes('\u0000') || body.includes('\uFFFD') ? undefined : body;
}

/** What the entry service knows of the request beyond the request itself. */
export interface EntryContext {
  service: string;
  executionId: string;
  /** The request's order among the test's requests, when the test's preload sent it. */
  rootSequence?: number;
  /** The path as identity sees it, ids as slots. */
  template: (path: string) => string;
}

export function reportEntryResponse(req: IncomingMessage, res: ServerResponse, entry: EntryContext, reports: EntryReports): void {
  const path = (req.url ?? '/').split('?')[0];
  const template = entry.template(path);
  const base = {
    execution_id: entry.executionId,
    entry_id: `${process.pid}-${++entries}`,
    service: entry.service,
    method: req.method ?? 'GET',
    path,
    ...(template !== path ? { template } : {}),
    ...(entry.rootSequence !== undefined ? { root_sequence: entry.rootSequence } : {}),
  };
  const started = reports.send(PATHS.entryResponse, { ...base, phase: 'start' });
  if (started !== undefined) holdHeadUntilWritten(res, started, reports);
  const hash = createHash('md5');
  const excerpt: Buffer[] = [];
  let bodyBytes = 0;
  const take = (b: Buffer) => {
    hash.update(b);
    // A copy: the application may reuse its buffer once written.
    if (bodyBytes < BODY_EXCERPT_BYTES) excerpt.push(Buffer.from(b.subarray(0, BODY_EXCERPT_BYTES - bodyBytes)));
    bodyBytes += b.length;
  };
  // Set once the response is reported (the hash is then final): a write or end after that, which the
  // response itself refuses (a client gone, an error handler ending it twice), must not throw here.
  let reported = false;
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    const b = chunkBuffer(chunk, rest[0]);
    if (b && !reported) take(b);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    const b = chunkBuffer(chunk, rest[0]);
    if (b && !reported) take(b);
    // The body is all here: reported now, it goes out with the response's other reports.
    if (!reported && !this.destroyed && this.socket && !this.socket.destroyed) report(this.statusCode);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  // 'close' also covers a response that is never finished (the socket died): reported without a hash.
  const report = (status = res.writableFinished ? res.statusCode : 0) => {
    if (reported) return;
    reported = true;
    const contentType = res.getHeader('content-type');
    const text = bodyBytes > 0 ? excerptText(Buffer.concat(excerpt)) : undefined;
    reports.send(PATHS.entryResponse, {
      ...base,
      phase: 'end',
      status,
      body_md5: hash.digest('hex'),
      ...(typeof contentType === 'string' ? { content_type: contentType } : {}),
      headers: headersOf(res),
      body_bytes: bodyBytes,
      ...(text !== undefined ? { body_excerpt: text } : {}),
    });
  };
  res.once('finish', () => report());
  res.once('close', () => report());
}

/**
 * The response's bytes wait (its socket corked from the moment its head is set) until report `seq` is on
 * the wire. Costs nothing when the report rode on a decision or went out already.
 */
function holdHeadUntilWritten(res: ServerResponse, seq: number, reports: EntryReports): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      socket.cork();
      reports.whenWritten(seq, () => socket.uncork());
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}
