/**
 * The orchestrator's HTTP server (express): the original's endpoints and message shapes, plus ours.
 * Every body is validated; a malformed one gets a 400 with the reason and changes no state.
 * Binds to 127.0.0.1 unless told otherwise; beyond loopback it requires a token (auth.ts).
 * The decision and report routes have a shortcut past express for plain JSON bodies (hot-routes.ts).
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { BATCHABLE_PATHS, HEADERS, PATHS } from '../../instrumentation/protocol.js';
import { requireToken } from './auth.js';
import type { Answer, Session } from './session.js';
import { handleHot } from './hot-routes.js';
import { applyBatch, applyCreate, applyReport } from './reports.js';

export interface OrchestratorServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function executionHeader(req: Request): string | undefined {
  const v = req.headers[HEADERS.execution];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function send(res: Response, answer: Answer): void {
  res.status(answer.status).json(answer.body);
}

export function createApp(session: Session, token?: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Before any parsing: a request without the token changes nothing and costs nothing (auth.ts).
  if (token) app.use(requireToken(token));
  // The Python client sends application/json; anything else is parsed as JSON too and judged by content.
  app.use(express.json({ limit: '1mb', type: () => true, strict: false }));

  app.get('/', (_req, res) => {
    res.json({ uri: '/', subresource_uris: { create: 'filibuster/create', update: 'filibuster/update' } });
  });
  app.get(PATHS.healthCheck, (_req, res) => {
    res.json({ status: 'OK' });
  });
  app.get(`${PATHS.newTestExecution}:service`, (req, res) => send(res, session.newTestExecution(req.params.service)));

  app.put(PATHS.create, (req, res) => send(res, applyCreate(session, req.body)));
  // Reports that need no answer, alone or several in one batch (reports.ts).
  for (const path of BATCHABLE_PATHS) app.post(path, (req, res) => send(res, applyReport(session, path, req.body)));
  app.post(PATHS.batch, (req, res) => send(res, applyBatch(session, req.body)));

  app.get(PATHS.faultInjected, (req, res) => send(res, session.faultInjected(executionHeader(req))));
  app.get(`${PATHS.faultInjectedOnMethod}:first`, (req, res) =>
    send(res, session.faultInjectedOnMethod(executionHeader(req), req.params.first)),
  );
  app.get(`${PATHS.faultInjectedOnMethod}:first/:second`, (req, res) =>
    send(res, session.faultInjectedOnMethod(executionHeader(req), req.params.first, req.params.second)),
  );
  app.get(`${PATHS.faultInjectedOnService}:service`, (req, res) =>
    send(res, session.faultInjectedOn(executionHeader(req), req.params.service)),
  );
  app.get(PATHS.executionCalls, (req, res) => send(res, session.executionCalls(executionHeader(req))));
  app.get(`${PATHS.faultInjected}/:service`, (req, res) =>
    send(res, session.faultInjectedOn(executionHeader(req), req.params.service)),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'no such endpoint' });
  });
  // Body-parser failures (invalid JSON, too large) are the client's: 4xx with the reason.
  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? `internal error: ${err.message}` : err.message });
  });
  return app;
}

/**
 * The request handler: the hot routes' shortcut (hot-routes.ts) where it applies, express otherwise.
 * With a token the shortcut is off: every request then goes through express and its token check first.
 */
export function createHandler(session: Session, token?: string): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createApp(session, token);
  return (req, res) => {
    session.traffic.requests++;
    if (token || !handleHot(session, req, res)) app(req, res);
  };
}

/** The orchestrator could not listen (the port is taken, the address is not this host's): an infrastructure error. */
export class ListenError extends Error {}

export function startServer(session: Session, port: number, host = '127.0.0.1', token?: string): Promise<OrchestratorServer> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer(createHandler(session, token));
    server.listen(port, host);
    server.keepAliveTimeout = 60_000;
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why: Record<string, string> = {
        EADDRINUSE: 'the port is in use by another process (stop it, or choose another port with --port; --port 0 picks a free one)',
        EACCES: 'this user may not listen on it (choose a port above 1023 with --port)',
        EADDRNOTAVAIL: 'the address is not one of this host\'s (choose another with --host)',
      };
      reject(err.code && err.code in why ? new ListenError(`the orchestrator cannot listen on ${host}:${port}: ${why[err.code]}`) : err);
    });
    server.once('listening', () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
