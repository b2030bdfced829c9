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
 *   --max-tests and are not in the counts. They do stop at the time budget or an interruption. A failing
 *   execution not reduced by then (a single fault needs no reduction: it is minimal as it is) joins the
 *   group of its signature (failure-signature.ts: entry point, verdict, error, faulted edges), marked
 *   `minimal: false`, so a cut-short triage still reads as a few failures, never one per fault set.
 */
import { ddmin, type Probe } from '../search/ddmin.js';
import { failureKey, faultSetKey, sortFailures, type Failure } from '../search/model.js';
import type { EntryResponse } from '../results/call-tree.js';
import type { FailureGroup, FaultEntry, TriageReport, Verdict } from '../results/run-results.js';
import { failureSignature, signatureInWords, signatureKey } from './failure-signature.js';

export interface FailingExecution {
  number: number;
  verdict: Verdict;
  detail?: string;
  /** The faults injected in it, with their descriptions (parallel lists). */
  failures: Failure[];
  entries: FaultEntry[];
  counterexample?: string;
  /** The responses entry services sent the test (for the signature of a failure not minimised). */
  entry?: readonly EntryResponse[];
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
  const state: TriageState = { deps, report, cache: new Map<string, CachedProbe>(deps.explored), groupsByKey: new Map(), groupsByFault: new Map() };
  const ordered = [...failing].sort((a, b) => a.failures.length - b.failures.length || a.number - b.number);
  for (const execution of ordered) {
    const own = new Set(execution.failures.map(failureKey));
    const group = containingGroup(own, execution.verdict, state.groupsByFault) ?? (await reduce(execution, state));
    group.executions.push(execution.number);
    // A member with exactly the minimal set runs that set: its counterexample is the group's.
    if (group.minimal) group.counterexample ??= execution.failures.length === group.keys.size ? execution.counterexample : undefined;
  }
  for (const group of state.groupsByKey.values()) await confirm(group, state);
  report.groups = [...state.groupsByKey.values()].map(({ keys: _keys, failures: _failures, ...g }) => ({ ...g, executions: g.executions.sort((a, b) => a - b) }));
  return report;
}

interface TriageState {
  deps: TriageDeps;
  report: TriageReport;
  /** Probe results by fault set (faultSetKey), seeded with the explored executions. */
  cache: Map<string, CachedProbe>;
  /** Groups by minimal set (verdict and faultSetKey), or by signature when not minimised. */
  groupsByKey: Map<string, Grouping>;
  /** fault key → groups whose minimal set contains it, for the containment shortcut. */
  groupsByFault: Map<string, Grouping[]>;
}

/** Why triage must stop now, remembered once it has said so. */
function stopped(state: TriageState): boolean {
  state.report.stopped ??= state.deps.stop();
  return state.report.stopped !== undefined;
}

/** A probe of exactly these faults: from the cache, else replayed (and cached). */
async function probeRun(failures: Failure[], state: TriageState): Promise<CachedProbe> {
  const key = faultSetKey(failures);
  const hit = state.cache.get(key);
  if (hit) {
    state.report.answered_without_running++;
    return hit;
  }
  const r = await state.deps.replay(failures);
  state.report.minimisation_runs++;
  const probe: CachedProbe = { verdict: r.verdict, injected: r.injected, counterexample: r.counterexample };
  state.cache.set(key, probe);
  return probe;
}

/**
 * Reduces an execution to a minimal failing subset (ddmin; a single fault is minimal as it is, the fault-free
 * execution having passed) and finds or makes its group. When triage stops before the set is minimal, the
 * execution joins the group of its signature (failure-signature.ts) instead, with its own fault set as the
 * example if it is the first.
 */
async function reduce(execution: FailingExecution, state: TriageState): Promise<Grouping> {
  const describe = new Map(execution.failures.map((f, i) => [failureKey(f), execution.entries[i]]));
  const probe = async (s: Failure[]): Promise<Probe<Failure>> => {
    const p = await probeRun(s, state);
    const injected = p.injected ? new Set(p.injected.map(failureKey)) : undefined;
    return { fails: p.verdict === execution.verdict, effective: injected ? s.filter((f) => injected.has(failureKey(f))) : undefined };
  };
  const { subset, minimal } = await ddmin(sortFailures([...execution.failures]), probe, () => stopped(state));
  const signature = minimal ? undefined : failureSignature({ verdict: execution.verdict, detail: execution.detail, entry: execution.entry, faults: execution.entries });
  const key = signature ? `signature|${signatureKey(signature)}` : `${execution.verdict}|${faultSetKey(subset)}`;
  const existing = state.groupsByKey.get(key);
  if (existing) return existing;
  // A group by signature shows its first member as it ran (a partly reduced set is not kept: unconfirmed).
  const shown = signature ? execution.failures : subset;
  const keys = new Set(shown.map(failureKey));
  const group: Grouping = {
    id: state.groupsByKey.size + 1,
    faults: shown.map((f) => describe.get(failureKey(f))!),
    verdict: execution.verdict,
    detail: execution.detail,
    executions: [],
    minimal,
    counterexample: signature ? execution.counterexample : (state.cache.get(faultSetKey(subset))?.counterexample ?? (subset.length === execution.failures.length ? execution.counterexample : undefined)),
    replays: { runs: 0, reproduced: 0 },
    stability: 'not replayed',
    ...(signature ? { signature: { ...signature, words: signatureInWords(signature), example: execution.number } } : {}),
    keys,
    failures: shown,
  };
  state.groupsByKey.set(key, group);
  if (minimal) for (const k of keys) (state.groupsByFault.get(k) ?? state.groupsByFault.set(k, []).get(k)!).push(group);
  return group;
}

/** Fresh replays of a group's fault set, to label it deterministic or flaky (none once triage has stopped). */
async function confirm(group: Grouping, state: TriageState): Promise<void> {
  for (let i = 0; i < state.deps.replays && !stopped(state); i++) {
    const r = await state.deps.replay(group.failures);
    state.report.confirmation_runs++;
    group.replays.runs++;
    if (r.verdict === group.verdict) {
      group.replays.reproduced++;
      group.counterexample ??= r.counterexample;
    }
  }
  group.stability = group.replays.runs === 0 ? 'not replayed' : group.replays.reproduced === group.replays.runs ? 'deterministic' : 'flaky';
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
