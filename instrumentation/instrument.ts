/**
 * Switching the instrumentation on: what a service's preload needs (register.ts), nothing of the test-side
 * helpers (testing.ts), which index.ts adds for importers of the package.
 */
import { CallTracker } from './call-tracker.js';
import { propagateOnlyContext, storage } from './context.js';
import { faultSockets, HttpInstrumentation } from './http.js';
import { registerPropertyReporter } from './properties.js';
import type { InstrumentationConfig } from './types.js';
import { faultDelivery, UndiciInstrumentation } from './undici.js';
import { watchUncoveredConnections } from './uncovered.js';

export interface Instrumented {
  /** False when the instrumentation is a no-op (no orchestrator URL, or refused in production). */
  readonly active: boolean;
  /** Waits until every report sent so far has been delivered. */
  flush(): Promise<void>;
  /** Restores the original http/https/fetch functions. */
  shutdown(): void;
}

const NOOP: Instrumented = { active: false, flush: () => Promise.resolve(), shutdown: () => {} };
let current: Instrumented | undefined;

export function instrument(config: InstrumentationConfig): Instrumented {
  if (current) return current;
  if (!config.orchestratorUrl) return NOOP;
  if (process.env.NODE_ENV === 'production' && !config.allowInProduction) {
    process.emitWarning(
      'filibuster: NODE_ENV=production, fault injection refused (set FILIBUSTER_ALLOW_PRODUCTION=1 to force it)',
      { code: 'FILIBUSTER_REFUSED_IN_PRODUCTION' },
    );
    return NOOP;
  }
  const tracker = new CallTracker(config);
  if (tracker.client) registerPropertyReporter(tracker.client, config.serviceName);
  if (config.propagateOnly) tracker.defaultContext = propagateOnlyContext(config.executionId);
  const http = new HttpInstrumentation(tracker);
  const undici = new UndiciInstrumentation(tracker);
  http.enable();
  undici.enable();
  if (!config.propagateOnly) {
    watchUncoveredConnections((kind, target) => tracker.reportUncovered(kind, target));
    // Fault delivery loads once the preload is done (the application starts meanwhile), before any request.
    setImmediate(() => void Promise.all([faultSockets.load(), faultDelivery.load()]).catch(() => {}));
  }
  current = {
    active: true,
    flush: () => tracker.client?.flush() ?? Promise.resolve(),
    shutdown: () => {
      http.disable();
      undici.disable();
      current = undefined;
    },
  };
  return current;
}

/**
 * Runs `fn` as part of an execution, in propagate-only mode: its outgoing requests carry the execution id.
 * Used by the test-module runner, which calls the functional test once per execution in one process.
 */
export function runInExecution<T>(executionId: string, fn: () => T): T {
  return storage.run(propagateOnlyContext(executionId), fn);
}
