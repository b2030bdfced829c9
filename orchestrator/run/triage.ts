/**
 * Triage: after the exploration, each failing execution is reduced to a 1-minimal failing fault subset
 * (ddmin.ts), and failing executions are grouped by that subset, so that thirty failing executions with
 * one cause read as one distinct failure with one counterexample.
 *
 * Rules:
 * - A subset "fails" when running exactly its faults (same test, same services, no scheduled prefix: a
 *   replay, as for a counterexample) gives the same failing verdict (fail, crash or hang) as the execution
 *   being reduced. Only the faults actually injected count: a planned fault whose call never happened is
 *   dropped from the subset.
 * - Probes are cached by fault set. The cache starts with every explored execution's verdict (an explored
 *   execution with fault set S is a run of S), so most probes of a multi-fault failure cost nothing: its
 *   parent sets were explored. Only subsets the exploration never ran are replayed.
 * - Failing executions are reduced smallest first; one that contains an already found minimal set with the
 *   same verdict joins that group without any replay (that set fails and is 1-minimal, so it is a valid
 *   answer for the larger set too).
 * - Each group's minimal set is then replayed `replays` more times, fresh (never from the cache): all
 *   reproduce ⇒ "deterministic", some do not ⇒ "flaky"; 0 replays ⇒ "not replayed".
 * - Triage replays are not explored executions: they take no execution number, do not count towards
 *   --max-tests and are not in the counts. They do stop at the time budget or an interruption; groups not
 *   reduced by then are marked `minimal: false`.
 */
import { ddmin, type Probe } from '../search/ddmin.js';
import { failureKey, faultSetKey, sortFailures, type Failure } from '../search/model.js';
import type { FailureGroup, FaultEntry, TriageReport, Verdict } from '../results/run-results.js';

export interface FailingExecution {
  number: number;
  verdict: Verdict;
  detail?: string;
  /** The faults injected in it, with their descriptions (parallel lists). */
  failures: Failure[];
  entries: FaultEntry[];
  counterexample?: string;
}

export interface ReplayRun {
  verdict: Verdict;
  detail?: string;
  /** The planned faults that were injected. */
  injected: Failure[];
  /** Written for failing replays. */
  counterexample?: string;
}

export interface TriageDeps {
  /** Runs exactly these faults once, as a replay. */
  replay(failures: Failure[]): Promise<ReplayRun>;
  /** Verdicts of the explored executions, by fault set (faultSetKey), the fault-free one included. */
  explored: ReadonlyMap<string, { verdict: Verdict; counterexample?: string }>;
  replays: number;
  /** Why triage must stop now (time budget, interruption), or undefined. */
  stop(): string | undefined;
}

type Grouping = FailureGroup & { keys: Set<string>; failures: Failure[] };

interface CachedProbe {
  verdict: Verdict;
  injected?: Failure[];
  counterexample?: string;
}

export async function triage(failing: readonly FailingExecution[], deps: TriageDeps): Promise<TriageReport> {
  const report: TriageReport = { replays_per_counterexample: deps.replays, minimisation_runs: 0, answered_without_running: 0, confirmation_runs: 0, groups: [] };
  const cache = new Map<string, CachedProbe>(deps.explored);
  const groupsByKey = new Map<string, Grouping>();
  /** fault key → groups whose minimal set contains it, for the containment shortcut. */
  const groupsByFault = new Map<string, Grouping[]>();
  const stopped = () => {
    report.stopped ??= deps.stop();
    return report.stopped !== undefined;
  };

  const run = async (failures: Failure[]): Promise<CachedProbe> => {
    const key = faultSetKey(failures);
    const hit = cache.get(key);
    if (hit) {
      report.answered_without_running++;
      return hit;
    }
    const r = await deps.replay(failures);
    report.minimisation_runs++;
    const probe: CachedProbe = { verdict: r.verdict, injected: r.injected, counterexample: r.counterexample };
    cache.set(key, probe);
    return probe;
  };

  const ordered = [...failing].sort((a, b) => a.failures.length - b.failures.length || a.number - b.number);
  for (const execution of ordered) {
    const describe = new Map(execution.failures.map((f, i) => [failureKey(f), execution.entries[i]]));
    const own = new Set(describe.keys());
    let group = containingGroup(own, execution.verdict, groupsByFault);
    if (!group) {
      let subset = sortFailures([...execution.failures]);
      let minimal = false;
      if (!stopped()) {
        const probe = async (s: Failure[]): Promise<Probe<Failure>> => {
          const p = await run(s);
          const injected = p.injected ? new Set(p.injected.map(failureKey)) : undefined;
          return { fails: p.verdict === execution.verdict, effective: injected ? s.filter((f) => injected.has(failureKey(f))) : undefined };
        };
        const result = await ddmin(subset, probe, stopped);
        subset = result.subset;
        minimal = result.minimal;
      }
      const key = `${execution.verdict}|${faultSetKey(subset)}`;
      group = groupsByKey.get(key);
      if (!group) {
        const keys = new Set(subset.map(failureKey));
        group = {
          id: groupsByKey.size + 1,
          faults: subset.map((f) => describe.get(failureKey(f))!),
          verdict: execution.verdict,
          detail: execution.detail,
          executions: [],
          minimal,
          counterexample: cache.get(faultSetKey(subset))?.counterexample,
          replays: { runs: 0, reproduced: 0 },
          stability: 'not replayed',
          keys,
          failures: subset,
        };
        groupsByKey.set(key, group);
        if (minimal) for (const k of keys) (groupsByFault.get(k) ?? groupsByFault.set(k, []).get(k)!).push(group);
      }
    }
    group.executions.push(execution.number);
    group.counterexample ??= execution.failures.length === group.keys.size ? execution.counterexample : undefined;
  }

  for (const group of groupsByKey.values()) {
    const failures = group.failures;
    for (let i = 0; i < deps.replays && !stopped(); i++) {
      const r = await deps.replay(failures);
      report.confirmation_runs++;
      group.replays.runs++;
      if (r.verdict === group.verdict) {
        group.replays.reproduced++;
        group.counterexample ??= r.counterexample;
      }
    }
    group.stability = group.replays.runs === 0 ? 'not replayed' : group.replays.reproduced === group.replays.runs ? 'deterministic' : 'flaky';
  }

  report.groups = [...groupsByKey.values()].map(({ keys: _keys, failures: _failures, ...g }) => ({ ...g, executions: g.executions.sort((a, b) => a - b) }));
  return report;
}

/** The first (lowest id) minimal group with this verdict whose fault set is contained in `own`. */
function containingGroup<G extends { id: number; verdict: Verdict; keys: Set<string> }>(own: Set<string>, verdict: Verdict, byFault: Map<string, G[]>): G | undefined {
  let best: G | undefined;
  for (const k of own) {
    for (const g of byFault.get(k) ?? []) {
      if (g.verdict !== verdict || (best && best.id <= g.id)) continue;
      let inside = true;
      for (const gk of g.keys) if (!own.has(gk)) inside = false;
      if (inside) best = g;
    }
  }
  return best;
}
