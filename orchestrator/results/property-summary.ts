/**
 * The run's view of its properties (sometimes/always/unreachable): per property, in how many executions
 * it held and failed, and whether the run satisfies it. An always or unreachable property fails the
 * executions that violate it (verdict.ts); a sometimes property that never held fails the run.
 */
import type { PropertyKind } from '../../instrumentation/protocol.js';
import type { PropertyTally } from '../server/execution.js';
import type { ExecutionResult, PropertySummary } from './run-results.js';

export function summariseProperties(executions: readonly ExecutionResult[]): PropertySummary[] {
  const byName = new Map<string, PropertySummary>();
  for (const e of executions) {
    for (const p of e.properties ?? []) {
      let s = byName.get(p.name);
      if (!s) {
        s = { name: p.name, kind: p.kind, held_in: 0, failed_in: 0, failed_examples: [], satisfied: true, verdict: '' };
        byName.set(p.name, s);
      }
      if (p.held > 0) s.held_in++;
      if (p.failed > 0) {
        s.failed_in++;
        if (s.failed_examples.length < 10) s.failed_examples.push(e.number);
      }
    }
  }
  const ran = executions.filter((e) => e.status === 'ran').length;
  for (const s of byName.values()) {
    const where = s.failed_examples.map((n) => `#${n}`).join(', ');
    if (s.kind === 'sometimes') {
      s.satisfied = s.held_in > 0;
      s.verdict = s.satisfied ? `sometimes "${s.name}": held in ${s.held_in} execution(s)` : `sometimes "${s.name}": never held in ${ran} execution(s)`;
    } else if (s.kind === 'always') {
      s.satisfied = s.failed_in === 0;
      s.verdict = s.satisfied ? `always "${s.name}": held in all ${s.held_in} execution(s) that evaluated it` : `always "${s.name}": failed in ${s.failed_in} execution(s) (${where})`;
    } else {
      s.satisfied = s.failed_in === 0;
      s.verdict = s.satisfied ? `unreachable "${s.name}": never reached` : `unreachable "${s.name}": reached in ${s.failed_in} execution(s) (${where})`;
    }
  }
  return [...byName.values()];
}

export type { PropertyTally };
