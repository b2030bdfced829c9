/**
 * Helpers for functional tests, in any runner (node:test, vitest, jest, a plain script): ask the
 * orchestrator about the current execution. They send the execution id, so the answer is about this
 * test's execution even when several run at once.
 *
 * Outside a filibuster run (no FILIBUSTER_URL) no fault is ever injected, so they answer false.
 */
import { currentContext, storage, propagateOnlyContext } from './context.js';
import { faultPlanOf } from './fault-plan.js';
import type { RequestOptions } from 'node:http';
import { urlToHttpOptions } from 'node:url';
import { controlRequest } from './raw-http.js';
import { anyFault, faultOn, faultOnMethod, HEADERS, PATHS, type ExecutionCallsResponse, type FaultInjectedResponse, type FaultPlan, type ObservedCall } from './protocol.js';

export type { ObservedCall } from './protocol.js';
export { sameServerRetries, timeoutBudgetViolations } from './call-properties.js';
export { always, sometimes, unreachable } from './properties.js';

function executionId(): string | undefined {
  return currentContext()?.executionId ?? (process.env.FILIBUSTER_EXECUTION_ID || undefined);
}

function requestOptions(url: URL, headers: Record<string, string>): RequestOptions {
  return { ...urlToHttpOptions(url), method: 'GET', headers, timeout: 10_000 };
}

/** GET `path` from the orchestrator; `accept` returns the answer, or undefined for a malformed body. */
function ask<T>(base: string, path: string, accept: (body: unknown) => T | undefined): Promise<T> {
  const url = new URL(path, base);
  const id = executionId();
  const headers: Record<string, string> = id ? { [HEADERS.execution]: id } : {};
  // An orchestrator beyond loopback requires its token (the orchestrator's auth.ts).
  if (process.env.FILIBUSTER_TOKEN) headers['x-filibuster-token'] = process.env.FILIBUSTER_TOKEN;
  // Suppressed, and through the unwrapped request: this control request is neither instrumented nor traced.
  const ctx = { ...(currentContext() ?? propagateOnlyContext(id)), suppressed: true };
  return storage.run(ctx, () =>
    new Promise<T>((resolve, reject) => {
      const req = controlRequest(requestOptions(url, headers), (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            const answer = res.statusCode === 200 ? accept(JSON.parse(text)) : undefined;
            if (answer !== undefined) return resolve(answer);
          } catch {
            /* reported below */
          }
          reject(new Error(`filibuster: the orchestrator answered ${res.statusCode} to ${url.pathname}: ${text.slice(0, 200)}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (err) => reject(new Error(`filibuster: cannot ask the orchestrator at ${url.origin} (${err.message})`)));
      req.end();
    }),
  );
}

/** Answered from the execution's plan when this process has it, else asked of the orchestrator at `path`. */
function askBoolean(path: string, local: (plan: FaultPlan) => boolean): Promise<boolean> {
  const base = process.env.FILIBUSTER_URL;
  if (!base) return Promise.resolve(false);
  const plan = faultPlanOf(executionId());
  if (plan) return Promise.resolve(local(plan));
  return ask(base, path, (body) => {
    const result = (body as FaultInjectedResponse | null)?.result;
    return typeof result === 'boolean' ? result : undefined;
  });
}

/** True when this execution injects at least one fault (the original's `was_fault_injected()`). */
export function wasFaultInjected(): Promise<boolean> {
  return askBoolean(PATHS.faultInjected, anyFault);
}

/** True when a fault is injected on a call whose callee is `service` (the original's `was_fault_injected_on`). */
export function wasFaultInjectedOn(service: string): Promise<boolean> {
  return askBoolean(PATHS.faultInjectedOnService + encodeURIComponent(service), (plan) => faultOn(plan, service));
}

/**
 * True when a fault is injected on a call with HTTP method `method` (e.g. `POST`), to `service` if given.
 */
export function wasFaultInjectedOnMethod(method: string, service?: string): Promise<boolean> {
  const tail = service ? `${encodeURIComponent(service)}/${encodeURIComponent(method)}` : encodeURIComponent(method);
  return askBoolean(PATHS.faultInjectedOnMethod + tail, (plan) => (service ? faultOnMethod(plan, service, method) : faultOnMethod(plan, method)));
}

/**
 * The calls this execution has made so far, in the order they started: caller, callee, method, URL, the
 * client's timeout, outcome, whether a fault was injected, and the inbound call each was made while
 * serving. For properties a response cannot show (a retry to the same server, a caller's timeout shorter
 * than its callee's own: see call-properties.ts). Outcomes are reported without waiting, so a call's
 * status or exception may still be missing right after the response that depended on it. Empty outside
 * a filibuster run.
 */
export function executionCalls(): Promise<ObservedCall[]> {
  const base = process.env.FILIBUSTER_URL;
  if (!base) return Promise.resolve([]);
  return ask(base, PATHS.executionCalls, (body) => {
    const calls = (body as ExecutionCallsResponse | null)?.calls;
    return Array.isArray(calls) ? calls : undefined;
  });
}

/**
 * Runs `fn` outside fault injection: the requests it makes (and every call the services make while
 * serving them) are neither reported to the orchestrator nor faulted, so setup and verification steps
 * (create a user, read back the order) neither add executions nor fail under faults meant for the step
 * being tested. Works in the functional test and in a service.
 */
export function withoutFaults<T>(fn: () => T): T {
  const ctx = currentContext() ?? propagateOnlyContext(executionId());
  return storage.run({ ...ctx, withoutFaults: true }, fn);
}
