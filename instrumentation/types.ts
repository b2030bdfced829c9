import type { IdentityRules } from './identity-rules.js';

/** Public configuration of the instrumentation. */
export interface InstrumentationConfig {
  /** The name this service reports (vector-clock actor, source and target of calls). */
  serviceName: string;
  /**
   * Where the orchestrator listens, e.g. `http://127.0.0.1:5005`. Without it the instrumentation is a
   * no-op: no header is added, no connection is attempted.
   */
  orchestratorUrl?: string;
  /**
   * Propagate-only mode, for the functional test's own process: outgoing requests carry the execution id
   * and nothing else; they are never reported nor faulted (the original never faults the test's call).
   */
  propagateOnly?: boolean;
  /** The execution id to propagate in propagate-only mode (spawned tests get it from the environment). */
  executionId?: string;
  /** Maps `host:port` to a logical service name, so call identities survive port changes. */
  serviceMap?: Record<string, string>;
  /**
   * Reproduce the original's execution-index counters: they restart for every call in a downstream
   * service (repeated identical calls there share one EI). Default: counters live per inbound request
   * in every service.
   */
  eiCompat?: boolean;
  /** Path normalisation for call identity: route templates such as `/movies/:id`. */
  pathTemplates?: string[];
  /** The identity rules in full (identity-rules.ts); the orchestrator's, when it started the service. */
  identity?: IdentityRules;
  /** Query parameters left out of call identity (e.g. timestamps, nonces). */
  ignoredQueryParams?: string[];
  /** How long a call waits for the orchestrator's decision before it runs without it (ms). */
  decisionTimeoutMs?: number;
  /** After the orchestrator failed to answer, how long before it is tried again (ms). */
  breakerCooldownMs?: number;
  /** Injection is refused under NODE_ENV=production unless this is set. */
  allowInProduction?: boolean;
}

export const DEFAULTS = {
  decisionTimeoutMs: 2000,
  breakerCooldownMs: 5000,
} as const;
