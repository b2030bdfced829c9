/**
 * The hot routes (PUT /filibuster/create, the reports, the batch) without express, for the common case
 * only: a plain JSON body with a content-length. Every call of every execution makes a decision request
 * and a few reports; through express (router, body-parser, content-type and charset parsing, response
 * helpers) each one costs the orchestrator's single thread about twice what it costs here (bench/README.md,
 * section (b)), and a decision waits for whatever the thread is doing.
 *
 * Anything else (another content type or charset, a content encoding, a chunked body, a query string, a
 * token to check) goes to express as before, so every odd request gets the answer it always got. On this
 * path the body is read, parsed and answered as express would: a body over the limit is a 413, invalid
 * JSON a 400 with the parser's reason, an empty body `{}`, and the same handlers decide the rest.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BATCHABLE_PATHS, PATHS } from '../../instrumentation/protocol.js';
import { applyBatch, applyCreate, applyReport } from './reports.js';
import type { Answer, Session } from './session.js';

/** The body limit express enforces (`express.json({ limit: '1mb' })`). */
export const BODY_LIMIT = 1024 * 1024;

type Handler = (session: Session, body: unknown) => Answer;

/** `METHOD path` → handler, for the routes worth a shortcut. */
function routes(): Map<string, Handler> {
  const map = new Map<string, Handler>([[`PUT ${PATHS.create}`, applyCreate]]);
  for (const path of BATCHABLE_PATHS) map.set(`POST ${path}`, (session, body) => applyReport(session, path, body));
  map.set(`POST ${PATHS.batch}`, applyBatch);
  return map;
}

const ROUTES = routes();

/** Only what body-parser would read as UTF-8 JSON without any decision of its own. */
function plainJson(req: IncomingMessage): boolean {
  const h = req.headers;
  const type = h['content-type'];
  if (type !== 'application/json' && type !== 'application/json; charset=utf-8') return false;
  if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
  const length = h['content-length'];
  return length !== undefined && /^\d+$/.test(length) && Number(length) <= BODY_LIMIT;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parse(bytes: Buffer): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (bytes.length === 0) return { ok: true, value: {} };
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // body-parser's decoder drops a BOM too
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * Handles the request when it is a hot route with a plain JSON body and returns true; otherwise returns
 * false without touching it (express takes it).
 */
export function handleHot(session: Session, req: IncomingMessage, res: ServerResponse): boolean {
  const handler = ROUTES.get(`${req.method} ${req.url}`);
  if (!handler || !plainJson(req)) return false;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const parsed = parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    if (!parsed.ok) return answer(res, 400, { error: parsed.reason });
    let result: Answer;
    try {
      result = handler(session, parsed.value);
    } catch (err) {
      return answer(res, 500, { error: `internal error: ${(err as Error).message}` });
    }
    answer(res, result.status, result.body);
  });
  return true;
}
