/**
 * `filibuster merge`: the shards of one run (`--shard i/n`, search/shard.ts) as one results.json.
 *
 * The shards are checked to be of one run (same test, options, catalogue, services file and service
 * environment; every shard from 1 to n exactly once). The fault-free execution, which every shard ran,
 * is kept once (shard 1's). The shards' own executions are put in one-worker order by their paths and
 * the run's exploration order (`compareInOrder`), and numbered from 2 in that order. Failure groups with
 * the same minimal fault set (or signature) are one group. Counts are recomputed from the executions;
 * what the shards left unexplored or out of scope is summed (each shard counts only its own).
 */
import type { ExplorationOrder } from '../search/frontier.js';
import { stableJson, type Failure } from '../search/model.js';
import { compareInOrder, faultSetId } from '../search/shard.js';
import type { ExecutionResult, FailureGroup, FaultEntry, RunResults, Stability, TriageReport } from './run-results.js';
import { SCOPED_STOP_REASON, summariseRun } from './run-summary.js';

export class MergeError extends Error {}

export interface ShardResults {
  /** Where it was read from, for messages. */
  dir: string;
  results: RunResults;
}

/** Old → new numbers, per shard (by its index); and the renamed counterexample files. */
export interface Renumbering {
  executions: Map<number, Map<number, number>>;
  /** Old relative path → new relative path, per shard. */
  files: Map<number, Map<string, string>>;
}

/** Options that change nothing in what a run explores or reports. */
const FREE_OPTIONS = new Set(['workers']);

/** Refuses shards that are not every shard of one run, saying which differ and how. */
export function checkShards(shards: readonly ShardResults[]): ShardResults[] {
  if (shards.length === 0) throw new MergeError('give the output directories of the shards to merge');
  for (const s of shards) if (!s.results.shard) throw new MergeError(`${s.dir}: not the results of a shard (run with --shard i/n)`);
  const [first] = shards;
  const count = first.results.shard!.count;
  const byIndex = new Map<number, ShardResults>();
  for (const s of shards) {
    const sh = s.results.shard!;
    if (sh.count !== count) throw new MergeError(`${s.dir} is shard ${sh.index}/${sh.count}, ${first.dir} is shard ${first.results.shard!.index}/${count}: not the same shard count`);
    const twin = byIndex.get(sh.index);
    if (twin) throw new MergeError(`${twin.dir} and ${s.dir} are both shard ${sh.index}/${count}`);
    byIndex.set(sh.index, s);
    sameRun(first, s);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')})`);
  return [...byIndex.values()].sort((a, b) => a.results.shard!.index - b.results.shard!.index);
}

function sameRun(a: ShardResults, b: ShardResults): void {
  const differ = (what: string) => new MergeError(`${a.dir} and ${b.dir} are not shards of one run: ${what}`);
  const [ra, rb] = [a.results, b.results];
  if (stableJson(ra.test) !== stableJson(rb.test)) throw differ(`different tests (${ra.test.value} and ${rb.test.value})`);
  const keys = new Set([...Object.keys(ra.options), ...Object.keys(rb.options)]);
  for (const k of keys) {
    if (FREE_OPTIONS.has(k) || stableJson(ra.options[k]) === stableJson(rb.options[k])) continue;
    throw differ(`option ${k} is ${stableJson(ra.options[k])} in one and ${stableJson(rb.options[k])} in the other`);
  }
  const [fa, fb] = [ra.shard!.fingerprint, rb.shard!.fingerprint];
  if (fa.catalogue !== fb.catalogue) throw differ('different fault catalogues');
  if (fa.services !== fb.services) throw differ('different services files');
  if (fa.service_env !== fb.service_env) throw differ('different service environments (--service-env)');
  const [za, zb] = [ra.executions[0], rb.executions[0]];
  if (za?.verdict !== zb?.verdict || za?.calls !== zb?.calls) throw differ(`their fault-free executions differ (${za?.verdict}, ${za?.calls} calls and ${zb?.verdict}, ${zb?.calls} calls)`);
}

/** The merged results.json and how numbers and counterexample files were renamed. */
export function mergeShards(given: readonly ShardResults[]): { results: RunResults; renumbering: Renumbering } {
  const shards = checkShards(given);
  for (const s of shards) if (s.results.executions.length === 0) throw new MergeError(`${s.dir}: no execution ran (${s.results.stop_reason})`);
  const order = (shards[0].results.options.order ?? 'dfs') as ExplorationOrder;
  const own = shards.flatMap((s) => s.results.executions.filter((e) => e.number !== 1).map((e) => ({ shard: s.results.shard!.index, e })));
  for (const o of own) if (!o.e.path) throw new MergeError(`shard ${o.shard}: execution ${o.e.number} has no path (results of an older version?)`);
  own.sort((x, y) => compareInOrder(x.e.path!, y.e.path!, order));
  const renumbering: Renumbering = { executions: new Map(), files: new Map() };
  for (const s of shards) {
    renumbering.executions.set(s.results.shard!.index, new Map([[1, 1]]));
    renumbering.files.set(s.results.shard!.index, new Map());
  }
  own.forEach((o, i) => {
    const previous = own[i - 1];
    if (previous && compareInOrder(previous.e.path!, o.e.path!, order) === 0) throw new MergeError(`shards ${previous.shard} and ${o.shard} both report the execution at path [${o.e.path}]: not shards of one run`);
    renumbering.executions.get(o.shard)!.set(o.e.number, i + 2);
  });
  const executions = [renumbered(shards[0].results.executions[0], shards[0].results.shard!.index, renumbering), ...own.map((o) => renumbered(o.e, o.shard, renumbering))];
  const triage = mergeTriage(shards, renumbering);
  if (triage) for (const g of triage.groups) for (const n of g.executions) executions[n - 1].group = g.id;
  return { results: summarise(shards, executions, triage), renumbering };
}

function renumbered(e: ExecutionResult, shard: number, r: Renumbering): ExecutionResult {
  const numbers = r.executions.get(shard)!;
  const number = numbers.get(e.number)!;
  const { path: _path, group: _group, pruned_as, counterexample, ...rest } = e;
  const as = pruned_as !== undefined ? numbers.get(pruned_as) : undefined;
  return {
    ...rest,
    number,
    ...(as !== undefined ? { pruned_as: as } : {}),
    ...(counterexample ? { counterexample: rename(r, shard, counterexample, `counterexamples/execution-${number}.json`) } : {}),
  };
}

function rename(r: Renumbering, shard: number, from: string, to: string): string {
  const files = r.files.get(shard)!;
  if (!files.has(from)) files.set(from, to);
  return files.get(from)!;
}

/** Groups of equal minimal fault sets (or signatures) are one; numbered in the order of their first execution. */
function mergeTriage(shards: readonly ShardResults[], r: Renumbering): TriageReport | undefined {
  const reports = shards.filter((s) => s.results.triage);
  if (reports.length === 0) return undefined;
  const groups = new Map<string, FailureGroup>();
  let replays = 0;
  for (const s of reports) {
    const index = s.results.shard!.index;
    const map = r.executions.get(index)!;
    for (const g of s.results.triage!.groups) {
      const numbers = g.executions.map((n) => map.get(n)!);
      // A group's counterexample is a failing execution's (renamed with it) or a triage replay's.
      const execution = /^counterexamples\/execution-(\d+)\.json$/.exec(g.counterexample ?? '');
      const to = execution ? `counterexamples/execution-${map.get(Number(execution[1]))}.json` : `counterexamples/replay-${replays + 1}.json`;
      const counterexample = g.counterexample ? rename(r, index, g.counterexample, to) : undefined;
      if (counterexample === to && !execution) replays++;
      const key = g.signature ? `signature|${g.verdict}|${g.signature.words}` : `${g.verdict}|${faultSetId(g.faults.map(asFailure))}`;
      const known = groups.get(key);
      if (!known) {
        groups.set(key, { ...g, executions: numbers, ...(counterexample ? { counterexample } : {}), ...(g.signature ? { signature: { ...g.signature, example: map.get(g.signature.example) ?? numbers[0] } } : {}) });
        continue;
      }
      known.executions.push(...numbers);
      known.minimal &&= g.minimal;
      known.replays = { runs: known.replays.runs + g.replays.runs, reproduced: known.replays.reproduced + g.replays.reproduced };
      known.stability = stabilityOf(known.stability, g.stability);
      if (!known.counterexample && counterexample) known.counterexample = counterexample;
    }
  }
  const merged = [...groups.values()].map((g) => ({ ...g, executions: [...g.executions].sort((a, b) => a - b) })).sort((a, b) => a.executions[0] - b.executions[0]);
  merged.forEach((g, i) => (g.id = i + 1));
  const sum = (k: 'minimisation_runs' | 'answered_without_running' | 'confirmation_runs') => reports.reduce((n, s) => n + s.results.triage![k], 0);
  const stopped = reports.map((s) => s.results.triage!.stopped).filter(Boolean);
  return {
    replays_per_counterexample: reports[0].results.triage!.replays_per_counterexample,
    minimisation_runs: sum('minimisation_runs'),
    answered_without_running: sum('answered_without_running'),
    confirmation_runs: sum('confirmation_runs'),
    ...(stopped.length > 0 ? { stopped: [...new Set(stopped)].join('; ') } : {}),
    groups: merged,
  };
}

function asFailure(f: FaultEntry): Failure {
  return { execution_index: f.execution_index, forced_exception: f.forced_exception, failure_metadata: f.failure_metadata, args: [] };
}

function stabilityOf(a: Stability, b: Stability): Stability {
  if (a === 'flaky' || b === 'flaky') return 'flaky';
  return a === 'deterministic' || b === 'deterministic' ? 'deterministic' : 'not replayed';
}

/** A shard that ran its part to the end (its scope aside), as opposed to one a budget or a signal stopped. */
function finished(r: RunResults): boolean {
  return r.complete || r.stop_reason === SCOPED_STOP_REASON;
}

function summarise(shards: readonly ShardResults[], executions: ExecutionResult[], triage: TriageReport | undefined): RunResults {
  const all = shards.map((s) => s.results);
  const first = all[0];
  const sum = (k: 'not_explored' | 'beyond_max_faults' | 'filtered_out') => all.reduce((n, r) => n + r.counts[k], 0);
  const stopped = all.filter((r) => !finished(r));
  const results = summariseRun({
    test: first.test,
    startedAt: Math.min(...all.map((r) => Date.parse(r.started_at))),
    options: first.options,
    executions,
    complete: stopped.length === 0,
    stopReason: stopped.length === 0 ? first.stop_reason : stopped.map((r) => `shard ${r.shard!.index}: ${r.stop_reason}`).join('; '),
    search: { pending: sum('not_explored'), beyondMaxFaults: sum('beyond_max_faults'), filteredOut: sum('filtered_out') },
    backgroundCalls: [...new Set(all.flatMap((r) => r.background_calls))],
    triage,
    plan: first.plan,
  });
  const shardRows = all.map((r) => ({ index: r.shard!.index, own: r.shard!.own, discovery: r.shard!.discovery, skipped: r.shard!.skipped, wall_ms: r.wall_ms, complete: finished(r) }));
  return {
    ...results,
    // The shards ran side by side: the merged run took as long as the slowest.
    wall_ms: Math.max(...all.map((r) => r.wall_ms)),
    merged: { count: all.length, discovery: shardRows.reduce((n, s) => n + s.discovery, 0), shards: shardRows },
  };
}
