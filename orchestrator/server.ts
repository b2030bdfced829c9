/**
 * The orchestrator's HTTP server (express): the original's endpoints and message shapes, plus ours.
 * Every body is validated; a malformed one gets a 400 with the reason and changes no state.
 * Binds to 127.0.0.1 unless told otherwise; beyond loopback it requires a token (auth.ts).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HEADERS, PATHS } from '../instrumentation/protocol.js';
import { requireToken } from './auth.js';
import type { Answer, Session } from './session.js';
import { checkCreate, checkEntryResponse, checkProperty, checkUpdate } from './validate.js';

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

  app.put(PATHS.create, (req, res) => {
    const checked = checkCreate(req.body);
    if (!checked.ok) return send(res, { status: 400, body: { error: checked.reason } });
    send(res, session.create(checked.value));
  });
  app.post(PATHS.update, (req, res) => {
    const checked = checkUpdate(req.body);
    if (!checked.ok) return send(res, { status: 400, body: { error: checked.reason } });
    send(res, session.update(checked.value));
  });
  app.post(PATHS.entryResponse, (req, res) => {
    const checked = checkEntryResponse(req.body);
    if (!checked.ok) return send(res, { status: 400, body: { error: checked.reason } });
    send(res, session.entryResponse(checked.value));
  });
  app.post(PATHS.property, (req, res) => {
    const checked = checkProperty(req.body);
    if (!checked.ok) return send(res, { status: 400, body: { error: checked.reason } });
    send(res, session.property(checked.value));
  });
  app.post(PATHS.background, (req, res) => {
    const b = req.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || typeof b.source_service_name !== 'string' || typeof b.url !== 'string') {
      return send(res, { status: 400, body: { error: 'source_service_name and url must be strings' } });
    }
    send(res, session.background(`${b.source_service_name}: ${String(b.method)} ${b.url}`));
  });

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

export function startServer(session: Session, port: number, host = '127.0.0.1', token?: string): Promise<OrchestratorServer> {
  const app = createApp(session, token);
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
    server.keepAliveTimeout = 60_000;
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`the orchestrator cannot listen on ${host}:${port}: the port is in use (choose another with --port)`)
          : err,
      );
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
