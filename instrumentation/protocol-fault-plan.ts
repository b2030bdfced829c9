/**
 * The fault plan: what the test's own process knows of an execution's faults, and what
 * `wasFaultInjected*()` answers from it. Part of the protocol (protocol.ts re-exports it).
 */

/**
 * Ours: an execution's planned faults as the test's own process needs them to answer `wasFaultInjected*()`
 * without asking the orchestrator (fault-plan.ts): per fault, the method of its call and the services that
 * call reached in executions already run. A command test gets it in FAULT_PLAN_VAR, a test module with
 * the execution.
 */
export interface FaultPlan {
  faults: { method?: string; targets: string[] }[];
}

export const FAULT_PLAN_VAR = 'FILIBUSTER_FAULT_PLAN';

/* What `wasFaultInjected*()` answers, from a plan: the orchestrator and the test's process both ask these. */

/** A fault is planned (the original's `was_fault_injected()`). */
export function anyFault(plan: FaultPlan): boolean {
  return plan.faults.length > 0;
}

/** A planned fault is on a call that reached `service`. */
export function faultOn(plan: FaultPlan, service: string): boolean {
  return plan.faults.some((f) => f.targets.includes(service));
}

/** A planned fault is on a call with this method (to this service, when given; or a gRPC "package.Service/Method"). */
export function faultOnMethod(plan: FaultPlan, first: string, second?: string): boolean {
  return plan.faults.some((f) => (second === undefined ? f.method === first : (f.method === second && f.targets.includes(first)) || f.method === `${first}/${second}`));
}
