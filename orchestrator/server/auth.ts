/**
 * Never by accident (DESIGN §6): the orchestrator listens on loopback unless told otherwise, and then it
 * requires a token, so that nothing else on the network can drive fault injection. Our instrumentation
 * presents it (FILIBUSTER_TOKEN → the X-Filibuster-Token header: orchestrator-client.ts, testing.ts); a
 * request without it, or with another, gets 401 — except the health check, which reveals nothing.
 * The Python-compatible profile sends no token, so it stays loopback-only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { PATHS } from '../../instrumentation/protocol.js';
import { InvalidOptionError } from '../option-error.js';

export const TOKEN_HEADER = 'x-filibuster-token';
export const TOKEN_ENV = 'FILIBUSTER_TOKEN';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

/**
 * The token a run uses: none on loopback (unless given), the given one, or a fresh random one when the
 * host is not loopback. `generated` says whether to tell the user.
 */
export function runToken(host: string, given: string | undefined): { token?: string; generated: boolean } {
  if (given !== undefined) {
    if (given.length < 16 || /\s/.test(given)) throw new InvalidOptionError('--token must be at least 16 characters, without spaces');
    return { token: given, generated: false };
  }
  if (isLoopback(host)) return { generated: false };
  return { token: randomBytes(24).toString('hex'), generated: true };
}

/** Express middleware: 401 unless the request presents the token (the health check is open). */
export function requireToken(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' && req.path === PATHS.healthCheck) return next();
    const presented = req.headers[TOKEN_HEADER];
    const got = Buffer.from(typeof presented === 'string' ? presented : '');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return next();
    res.status(401).json({ error: `this orchestrator listens beyond loopback and requires its token in the ${TOKEN_HEADER} header` });
  };
}
