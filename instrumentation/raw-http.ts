/**
 * The `http.request` our control traffic (decisions, reports, the test helpers' questions) goes through:
 * captured when this module is first loaded, before our own patching, and below any tracing wrapper that
 * was installed earlier (otel-context.ts `unwrapped`). Always called under suppress-tracing.
 */
import http from 'node:http';
import { runSuppressed, unwrapped } from './otel-context.js';

const request = unwrapped(http.request);

export function controlRequest(options: http.RequestOptions, callback: (res: http.IncomingMessage) => void): http.ClientRequest {
  return runSuppressed(() => request(options, callback));
}
