/**
 * Coverage at execution boundaries. When the runner starts a service with `--coverage`, it sets
 * NODE_V8_COVERAGE (where V8 writes coverage) and FILIBUSTER_COVERAGE=1. The instrumentation then answers
 * `POST /__filibuster/coverage` on the service's own port, from loopback only: `v8.takeCoverage()` writes
 * the coverage gathered since the last take (it resets the counters), so each execution gets its own
 * file. SIGTERM exits cleanly, so the last file is written too (V8 writes nothing when killed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import v8 from 'node:v8';

export const COVERAGE_PATH = '/__filibuster/coverage';

const enabled = process.env.FILIBUSTER_COVERAGE === '1' && !!process.env.NODE_V8_COVERAGE;
let takes = 0;
let lastTake = 0;

if (enabled && process.listenerCount('SIGTERM') === 0) process.once('SIGTERM', () => process.exit(0));

function loopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Handles the control request; false for every other request (and always when coverage is off). */
export function handleCoverageRequest(req: IncomingMessage, res: ServerResponse): boolean {
  if (!enabled || req.method !== 'POST' || req.url !== COVERAGE_PATH) return false;
  if (!loopback(req.socket.remoteAddress)) {
    res.writeHead(403).end();
    return true;
  }
  // Two takes in the same millisecond would write the same file name (V8 names them by pid and time):
  // wait for the clock to move on, which only a take right after the previous one ever needs.
  while (Date.now() <= lastTake) {
    /* at most a millisecond, at an execution boundary */
  }
  v8.takeCoverage();
  lastTake = Date.now();
  takes++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pid: process.pid, takes }));
  return true;
}
