/**
 * Entry responses: what the functional test got from the service it called. The test's own requests are
 * not instrumented calls (they carry no execution index, and faulting them would change the original's
 * counts), so the entry service reports the response it sends: status, content type and an md5 of the
 * body. The report compares it with the fault-free execution's to tell "up" from "degraded".
 *
 * Only requests that carry an execution id (ours, from the test) are reported: when they arrive, so the
 * orchestrator waits for the answer before judging the execution, and when the response is finished.
 * The body is hashed as it is written, never buffered.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PATHS, type EntryResponseMessage } from './protocol.js';

type Send = (path: typeof PATHS.entryResponse, message: EntryResponseMessage) => void;

function chunkBuffer(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return undefined;
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

let entries = 0;

/** What the entry service knows of the request beyond the request itself. */
export interface EntryContext {
  service: string;
  executionId: string;
  /** The request's order among the test's requests, when the test's preload sent it. */
  rootSequence?: number;
  /** The path as identity sees it, ids as slots. */
  template: (path: string) => string;
}

export function reportEntryResponse(req: IncomingMessage, res: ServerResponse, entry: EntryContext, send: Send): void {
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
  send(PATHS.entryResponse, { ...base, phase: 'start' });
  const hash = createHash('md5');
  // Set once the response is reported (the hash is then final): a write or end after that, which the
  // response itself refuses (a client gone, an error handler ending it twice), must not throw here.
  let reported = false;
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    const b = chunkBuffer(chunk, rest[0]);
    if (b && !reported) hash.update(b);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    const b = chunkBuffer(chunk, rest[0]);
    if (b && !reported) hash.update(b);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof res.end;
  // 'close' also covers a response that is never finished (the socket died): reported without a hash.
  const report = () => {
    if (reported) return;
    reported = true;
    const contentType = res.getHeader('content-type');
    send(PATHS.entryResponse, {
      ...base,
      phase: 'end',
      status: res.writableFinished ? res.statusCode : 0,
      body_md5: hash.digest('hex'),
      ...(typeof contentType === 'string' ? { content_type: contentType } : {}),
    });
  };
  res.once('finish', report);
  res.once('close', report);
}
