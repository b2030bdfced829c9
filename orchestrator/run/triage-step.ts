/**
 * The exploration's triage step: the failing executions reduced to minimal fault sets and grouped
 * (triage.ts), by unnumbered replays on the test bed; a replay that fails leaves a counterexample of its
 * own, named after the replay, and each failing execution is marked with its group in the records.
 */
import { faultEntries } from '../results/fault-entries.js';
import type { TriageReport } from '../results/run-results.js';
import type { Scope } from './exploration-options.js';
import type { ExecutionRuns } from './execution-runs.js';
import { isFailing, readableFailure, type RunRecords } from './run-records.js';
import { injectedFailures } from './test-bed.js';
import { triage } from './triage.js';

export interface TriageStep {
  records: RunRecords;
  runs: ExecutionRuns;
  scope: Scope;
  interrupted: () => boolean;
}

export async function triageFailures(t: TriageStep): Promise<TriageReport> {
  const { records, runs, scope } = t;
  const report = await triage(records.failingForTriage, {
    explored: records.explored,
    replays: scope.replays,
    stop: () => (t.interrupted() ? 'interrupted' : scope.budget.timeUp()),
    replay: async (failures) => {
      const run = await runs.replay(failures);
      const { verdict, detail } = run.judgement;
      const faults = faultEntries(failures, run.calls);
      const name = `replay-${runs.replayNumber}`;
      const counterexample = isFailing(verdict) ? records.writeCounterexample(name, run.calls, failures, 0, verdict, detail, faults, readableFailure(run)) : undefined;
      return { verdict, detail, injected: injectedFailures(failures, run.calls), counterexample };
    },
  });
  records.markGroups(report.groups);
  return report;
}
