/**
 * Helpers for functional tests, in any runner (node:test, vitest, jest, a plain script): ask the
 * orchestrator about the current execution. They send the execution id, so the answer is about this
 * test's execution even when several run at once.
 *
 * Outside a filibuster run (no FILIBUSTER_URL) no fault is ever injected, so they answer false.
 */
import http from 'node:http';
import { currentContext, storage, propagateOnlyContext } from './context.js';
import { HEADERS, PATHS, type FaultInjectedResponse } from './protocol.js';

function executionId(): string | undefined {
  return currentContext()?.executionId ?? (process.env.FILIBUSTER_EXECUTION_ID || undefined);
}

function ask(path: string): Promise<boolean> {
  const base = process.env.FILIBUSTER_URL;
  if (!base) return Promise.resolve(false);
  const url = new URL(path, base);
  const id = executionId();
  const headers: Record<string, string> = id ? { [HEADERS.execution]: id } : {};
  // Suppressed: this control request is never instrumented itself.
  const ctx = { ...(currentContext() ?? propagateOnlyContext(id)), suppressed: true };
  return storage.run(ctx, () =>
    new Promise<boolean>((resolve, reject) => {
      const req = http.get(url, { headers, timeout: 10_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            const body = JSON.parse(text) as FaultInjectedResponse;
            if (res.statusCode === 200 && typeof body.result === 'boolean') return resolve(body.result);
          } catch {
            /* reported below */
          }
          reject(new Error(`filibuster: the orchestrator answered ${res.statusCode} to ${url.pathname}: ${text.slice(0, 200)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => reject(new Error(`filibuster: cannot ask the orchestrator at ${url.origin} (${err.message})`)));
    }),
  );
}

/** True when this execution injects at least one fault (the original's `was_fault_injected()`). */
export function wasFaultInjected(): Promise<boolean> {
  return ask(PATHS.faultInjected);
}

/** True when a fault is injected on a call whose callee is `service` (the original's `was_fault_injected_on`). */
export function wasFaultInjectedOn(service: string): Promise<boolean> {
  return ask(PATHS.faultInjectedOnService + encodeURIComponent(service));
}

/**
 * True when a fault is injected on a call with HTTP method `method` (e.g. `POST`), to `service` if given.
 */
export function wasFaultInjectedOnMethod(method: string, service?: string): Promise<boolean> {
  const tail = service ? `${encodeURIComponent(service)}/${encodeURIComponent(method)}` : encodeURIComponent(method);
  return ask(PATHS.faultInjectedOnMethod + tail);
}
