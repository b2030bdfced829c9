/**
 * What every corpus service shares, so each port reads like the original Flask service:
 * an express app with `GET /health-check`, listening on PORT (127.0.0.1), its data files, its callees'
 * timeouts, and Flask's error behaviour (werkzeug's HTML error pages; an unhandled error is a 500).
 *
 * A service runs with the application's directory as its working directory (the services config sits
 * there), so `data/` is found relative to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** The application's data/networking.json: ports and client timeouts per service. */
const networking = JSON.parse(readFileSync(join('data', 'networking.json'), 'utf8')) as Record<string, { port: number; 'timeout-seconds'?: number }>;

/** The original's helper.get_timeout(service): seconds. */
export function timeoutOf(service: string): number {
  const t = networking[service]?.['timeout-seconds'];
  if (t === undefined) throw new Error(`data/networking.json has no timeout for ${service}`);
  return t;
}

/** The URL of a callee, from the environment the runner sets (`<NAME>_URL`), else networking.json. */
export function urlOf(service: string): string {
  const env = process.env[`${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`];
  return env ?? `http://127.0.0.1:${networking[service]?.port}`;
}

/** A service's data file, `data/services/<service>/<file>`. */
export function dataFile<T = unknown>(service: string, file: string): T {
  return JSON.parse(readFileSync(join('data', 'services', service, file), 'utf8')) as T;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  403: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  404: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  500: 'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
  503: 'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
};

/** An HTTP error raised by a handler, as werkzeug's `raise NotFound(...)`. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, description?: string) {
    super(description ?? DEFAULT_DESCRIPTIONS[status] ?? REASONS[status] ?? 'Error');
    this.status = status;
  }
}

/** werkzeug's error page: text/html, the status line's reason as title and heading, the description. */
export function sendError(res: Response, status: number, description?: string): void {
  const reason = REASONS[status] ?? 'Error';
  res
    .status(status)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>\n<html lang=en>\n<title>${status} ${reason}</title>\n<h1>${reason}</h1>\n<p>${description ?? DEFAULT_DESCRIPTIONS[status] ?? ''}</p>\n`);
}

export function createService(): Express {
  const app = express();
  app.get('/health-check', (_req, res) => {
    res.json({ status: 'OK' });
  });
  return app;
}

/** Starts the service: Flask-like error handling, then listen on PORT. */
export function start(app: Express): void {
  // Raised HttpErrors answer their status; anything else is Flask's 500 page.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) sendError(res, err.status, err.message);
    else sendError(res, 500);
  });
  app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}
