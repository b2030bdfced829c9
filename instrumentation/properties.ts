/**
 * Properties across executions, in the style of Antithesis' assertions, callable from the functional
 * test and from service code:
 *   - sometimes(cond, name): cond must hold in at least one execution of the run (a fallback is reached);
 *   - always(cond, name): cond must hold every time it is evaluated (an invariant), else that execution fails;
 *   - unreachable(name): this point must never be reached, else that execution fails.
 * Each evaluation is reported to the orchestrator (fire-and-forget, on the instrumentation's connection),
 * which fails the execution or, for `sometimes`, the run, and summarises them in the results and report.
 * Outside a filibuster run they do nothing.
 */
import { currentContext } from './context.js';
import { OrchestratorClient } from './orchestrator-client.js';
import { PATHS, type PropertyKind, type PropertyMessage } from './protocol.js';
import { DEFAULTS } from './types.js';

interface Reporter {
  client: OrchestratorClient;
  service: string;
  url?: string;
}

let registered: Reporter | undefined;
let own: Reporter | undefined;

/** The instrumentation registers its connection, so properties share it (and its ordering). */
export function registerPropertyReporter(client: OrchestratorClient, service: string): void {
  registered = { client, service };
}

function reporter(): Reporter | undefined {
  if (registered) return registered;
  const url = process.env.FILIBUSTER_URL;
  if (!url) return undefined;
  // A process may run several explorations in turn (filibusterTest), each with its own orchestrator.
  if (own?.url !== url) {
    own = {
      client: new OrchestratorClient(url, DEFAULTS.decisionTimeoutMs, DEFAULTS.breakerCooldownMs, process.env.FILIBUSTER_TOKEN),
      service: process.env.FILIBUSTER_SERVICE_NAME || 'functional-test',
      url,
    };
  }
  return own;
}

function report(kind: PropertyKind, name: string, holds: boolean): void {
  const r = reporter();
  if (!r || r.client.disabled) return;
  const executionId = currentContext()?.executionId ?? (process.env.FILIBUSTER_EXECUTION_ID || undefined);
  const message: PropertyMessage = { kind, name, holds, service: r.service };
  if (executionId) message.execution_id = executionId;
  r.client.send(PATHS.property, message);
}

/** `cond` must hold in at least one execution of the run; reports every evaluation. */
export function sometimes(cond: boolean, name: string): void {
  report('sometimes', name, Boolean(cond));
}

/** `cond` must hold every time; an evaluation where it does not fails that execution. */
export function always(cond: boolean, name: string): void {
  report('always', name, Boolean(cond));
}

/** Reaching this point fails the execution. */
export function unreachable(name: string): void {
  report('unreachable', name, false);
}

/** Waits until the properties reported so far have been delivered (before a process exits). */
export function flushProperties(): Promise<void> {
  return (registered ?? own)?.client.flush() ?? Promise.resolve();
}
