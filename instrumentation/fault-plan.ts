/**
 * `wasFaultInjected*()` answered in the test's own process: the runner hands each execution's planned
 * faults to the process that runs its test (with the execution for a test module, in FAULT_PLAN_VAR for a
 * command), so the question costs no round trip to the orchestrator. The answers are the orchestrator's
 * (server/session.ts): the same planned faults, the same services learned from earlier executions, read
 * by the same functions (protocol-fault-plan.ts: anyFault, faultOn, faultOnMethod).
 * A test without a plan (a Python test, a plan-less runner) still asks the orchestrator (testing.ts).
 *
 * The plans live on globalThis under a registered symbol, so two copies of this package in one process
 * (the CLI's and the test project's) share them.
 */
import { FAULT_PLAN_VAR, type FaultPlan } from './protocol.js';

const PLANS = Symbol.for('filibuster.faultPlans');

function plans(): Map<string, FaultPlan> {
  const holder = globalThis as unknown as Record<symbol, Map<string, FaultPlan> | undefined>;
  return (holder[PLANS] ??= new Map());
}

/** The plan of an execution whose test runs in this process, until `forgetFaultPlan`. */
export function setFaultPlan(executionId: string, plan: FaultPlan): void {
  plans().set(executionId, plan);
}

export function forgetFaultPlan(executionId: string): void {
  plans().delete(executionId);
}

/** The plan for this execution, if this process was given one. */
export function faultPlanOf(executionId: string | undefined): FaultPlan | undefined {
  if (executionId === undefined) return undefined;
  const given = plans().get(executionId);
  if (given) return given;
  const text = process.env[FAULT_PLAN_VAR];
  if (!text || process.env.FILIBUSTER_EXECUTION_ID !== executionId) return undefined;
  try {
    const plan = JSON.parse(text) as FaultPlan;
    return Array.isArray(plan?.faults) ? plan : undefined;
  } catch {
    return undefined; // asked of the orchestrator instead
  }
}
