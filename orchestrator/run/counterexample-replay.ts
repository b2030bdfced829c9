/**
 * `--counterexample-file`: the counterexample's fault set runs once, numbered 1, then `--replays N` more
 * times, unnumbered (they are no executions of a search), to label it deterministic or flaky. A run that
 * did not inject the counterexample's faults shows nothing about them, whatever the test said: it is
 * "not-reproduced", and not replayed further.
 */
import type { LoadedCounterexample } from '../results/counterexample.js';
import { faultEntries } from '../results/fault-entries.js';
import type { RunResults } from '../results/run-results.js';
import type { Explorer } from '../search/explorer.js';
import type { Scope } from './exploration-options.js';
import type { ExecutionRuns } from './execution-runs.js';
import { notReproducedInWords } from './replay-check.js';
import { isFailing, ranResult, type RunRecords } from './run-records.js';
import type { TestBed } from './test-bed.js';

export interface CounterexampleReplay {
  counterexample: LoadedCounterexample;
  bed: TestBed;
  explorer: Explorer;
  runs: ExecutionRuns;
  records: RunRecords;
  scope: Scope;
  interrupted: () => boolean;
}

/** What the replay found, filled in as it goes (an error midway leaves what was found so far). */
export interface ReplayFindings {
  /** Whether every fault of the counterexample was injected. */
  allFaultsHit?: boolean;
  stability?: RunResults['replay_stability'];
}

export async function replayCounterexample(r: CounterexampleReplay, found: ReplayFindings): Promise<void> {
  const ce = r.counterexample;
  r.bed.session.learn(ce.responseLog.map((l) => ({ ei: l.execution_index, target: l.target_service_name === 'external' ? undefined : l.target_service_name, method: l.method })));
  const run = await r.runs.numbered(ce.failures);
  const hit = new Set(run.calls.filter((c) => c.failure).map((c) => c.ei));
  found.allFaultsHit = ce.failures.every((f) => hit.has(f.execution_index));
  const why = run.judgement.notReproduced;
  if (why) run.judgement = { verdict: 'not-reproduced', detail: notReproducedInWords(ce, why, run.calls), notReproduced: why };
  r.explorer.complete(r.runs.number, undefined, run.calls, false);
  const first = ranResult(r.runs.number, run, faultEntries(ce.failures, run.calls, ce.faultDescriptions));
  r.records.record(first, run.calls, ce.failures, true);
  if (r.scope.replays === 0 || why) return;
  const stability = { runs: 0, reproduced: 0, stability: 'not replayed' as NonNullable<RunResults['replay_stability']>['stability'] };
  found.stability = stability;
  for (let i = 0; i < r.scope.replays && !r.interrupted() && !r.scope.budget.timeUp(); i++) {
    const again = await r.runs.replay(ce.failures);
    stability.runs++;
    if (isFailing(again.judgement.verdict) === isFailing(first.verdict)) stability.reproduced++;
  }
  stability.stability = stability.runs === 0 ? 'not replayed' : stability.reproduced === stability.runs ? 'deterministic' : 'flaky';
}
