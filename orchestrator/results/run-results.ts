/**
 * Results files in the output directory:
 *  - `journal.jsonl`: one line per finished execution, appended as the run goes: its result (as in
 *    results.json, before triage adds groups) and, for a ran execution, `explorer_calls`, the calls the
 *    explorer was given, from which `--resume` rebuilds the search state (journal.ts, resume.ts);
 *  - `results.json`: the whole run (schema below), written at the end (also when the run is cut short);
 *  - `counterexamples/execution-<n>.json`: one per failing execution; `counterexamples/replay-<k>.json`: one
 *    per failing triage replay (a minimal fault set that no explored execution ran on its own);
 *  - `report.html` and `junit.xml` (report/), written with results.json;
 *  - `run-state.json`: the run's marker and service ports, for --resume (resume.ts).
 *
 * results.json, schema "filibuster-results/1" (JSON Schema: results.schema.json beside this file):
 * {
 *   "schema": "filibuster-results/1",
 *   "test": { "kind": "command" | "module", "value": string },
 *   "started_at": ISO time, "wall_ms": number,
 *   "options": { "dynamic_reduction", "strict_reduction", "ei_compat", "fail_fast", "max_tests", "timeout_ms",
 *                "order", "max_faults", "time_budget_ms" (the default one included), "exhaustive", "filters", "triage", "replays" },
 *   "counts": {
 *     "ran", "pruned", "passed", "failed", "crashed", "hung", "leaked", "inconclusive", "not_reproduced",
 *     "explored": executions run by the search, the fault-free one included (= "ran"; triage replays never count),
 *     "not_explored": scheduled but never run nor pruned (a budget, --fail-fast or an interruption stopped the run),
 *     "beyond_max_faults": fault sets of more than --max-faults faults, never scheduled (their own extensions
 *                          were never discovered, so they are not counted),
 *     "filtered_out": fault sets never scheduled because their new fault is filtered out
 *   },
 *   "complete": true when every reachable execution was run or pruned: false when any of not_explored,
 *               beyond_max_faults or filtered_out is non-zero, or the run was stopped,
 *   "stop_reason": why the run ended,
 *   "background_calls": calls made outside any inbound request (timers, start-up): reported, never faulted,
 *   "executions": [{
 *     "number": 1-based, in the order of the original's numbering (pruned ones included),
 *     "id": execution id on the wire (absent for pruned),
 *     "status": "ran" | "pruned",
 *     "faults": [{ "description", "execution_index", "edge"?: { "caller", "callee" }, "forced_exception"?, "failure_metadata"? }],
 *     "verdict": "pass" | "fail" | "crash" | "hang" | "leak" | "inconclusive" | "not-reproduced" (ran only; the last in a replay only),
 *     "finding"?: "never-returned" (a hang whose calls never returned: no timeout visible),
 *     "detail"?: string, "duration_ms"?: number, "calls"?: number,
 *     "counterexample"?: relative path,
 *     "tree"?: [{ "depth", "source", "target", "method", "path", "outcome", "fault"? }] (ran only: the calls
 *       in causal pre-order; outcome is the status or exception the caller met),
 *     "call_times"?: [[start, end | null]] (ran only: per tree node, ms since the execution opened; end null
 *       when the call's outcome never arrived),
 *     "entry"?: [{ "service", "method", "path", "status", "body_md5", "content_type"?, "headers"?, "body_excerpt"?,
 *       "body_bytes"? }] (ran only: the responses entry services sent to the test, when they run our
 *       instrumentation; headers and body only for failing executions),
 *     "output"?: { "stdout"?, "stderr"?, "error"?, "console"? }, "logs"?: { service: text }, "logs_note"?: string
 *       (failing executions only: the test's output and the services' log lines while it ran; readable-failure.ts),
 *     "group"?: id of its failure group (failing executions, when triage ran),
 *     "properties"?: [{ "name", "kind", "held", "failed", "failedIn" }] (ran only: evaluations in this execution),
 *     "attempts"?: attempts made when inconclusive attempts were re-run (--inconclusive-retries; absent: 1),
 *     "inconclusive_attempts"?: [why each discarded attempt was inconclusive]
 *   }],
 *   "properties"?: [{ "name", "kind": "sometimes" | "always" | "unreachable", "held_in", "failed_in",
 *                     "failed_examples", "satisfied", "verdict" }]  (a sometimes property never held fails the run),
 *   "replay_stability"?: { "runs", "reproduced", "stability" }   (a counterexample replayed with --replays N:
 *                          N more runs, how many gave the first run's verdict class, deterministic or flaky),
 *   "parallel"?: { "workers", "ahead", "wasted", "wasted_ms", "peak", "fallback"? }  (--workers above 1: executions run
 *                ahead of their turn, runs discarded, and why it fell back to one at a time if it did),
 *   "plan"?: { "calls", "single_faults", "order", "order_source", "max_faults", "max_tests",
 *              "budget": { "time_ms", "search_ms", "triage_ms", "source": "given" | "default" } | null }
 *            (settled after the fault-free execution: what there is to explore, in which order, within which bounds;
 *             the search stops at search_ms only once it has failures to triage),
 *   "triage"?: {                                 (present when triage ran: failures found and triage on)
 *     "replays_per_counterexample", "minimisation_runs", "answered_without_running", "confirmation_runs",
 *     "stopped"?: why triage was cut short,
 *     "groups": [{ "id", "faults": [fault entries, as above: the 1-minimal failing fault set], "verdict",
 *                  "detail"?, "executions": [numbers of the failing executions in the group], "minimal",
 *                  "counterexample"?: relative path of one that runs exactly this set,
 *                  "replays": { "runs", "reproduced" }, "stability": "deterministic" | "flaky" | "not replayed",
 *                  "signature"?: { "entry", "verdict", "error", "edges", "words", "example" } (a group of executions not
 *                  minimised, by what they have in common; its faults are one member's, as an example) }]
 *   }
 * }
 */
import type { PropertyKind } from '../../instrumentation/protocol.js';
import type { BudgetSplit } from '../search/budget.js';
import type { ExplorationOrder } from '../search/frontier.js';
import type { Failure } from '../search/model.js';
import type { PropertyTally } from '../server/execution.js';
import type { CallNode, CallTime, EntryResponse } from './call-tree.js';
import type { TestSpec } from './counterexample.js';
import type { ReadableFailure } from './readable-failure.js';

/**
 * "leak": the test passed, but a call was still open after its entry requests were answered (its caller
 * abandoned it without aborting it), confirmed by a replay. "not-reproduced": a replayed counterexample
 * whose planned faults were not all injected, or whose calls were not the recorded ones (an exploration
 * calls the same situation "inconclusive" and re-runs it).
 */
export type Verdict = 'pass' | 'fail' | 'crash' | 'hang' | 'leak' | 'inconclusive' | 'not-reproduced';

/** "never-returned": a hang whose calls stayed open past every timeout the run has seen (run/open-calls.ts). */
export type Finding = 'never-returned';

/** The edge a fault was injected on: the calling service and the callee (null: no client named it). */
export interface FaultEdge {
  caller: string;
  callee: string | null;
}

export interface FaultEntry {
  description: string;
  execution_index: string;
  /** Absent when the fault's call is unknown (a pruned execution whose prefix does not hold it), or in files from before it was recorded. */
  edge?: FaultEdge;
  forced_exception?: Failure['forced_exception'];
  failure_metadata?: Failure['failure_metadata'];
}

export interface ExecutionResult {
  number: number;
  id?: string;
  /** The execution's OpenTelemetry trace id (a run with --traces). */
  trace_id?: string;
  /** The trace in a trace viewer (--trace-url). */
  trace_url?: string;
  status: 'ran' | 'pruned';
  /** A pruned execution: the number of the execution that showed the outcome it would have shown. */
  pruned_as?: number;
  faults: FaultEntry[];
  verdict?: Verdict;
  finding?: Finding;
  detail?: string;
  duration_ms?: number;
  calls?: number;
  counterexample?: string;
  tree?: CallNode[];
  /** Per node of `tree`, [start, end] in ms since the execution opened (end null: no outcome arrived). */
  call_times?: CallTime[];
  entry?: EntryResponse[];
  /** Failing executions: what the test printed and threw, and the services' lines (readable-failure.ts). */
  output?: ReadableFailure['output'];
  logs?: ReadableFailure['logs'];
  logs_note?: string;
  group?: number;
  properties?: PropertyTally[];
  /** Attempts it took when inconclusive attempts were re-run (absent: one). */
  attempts?: number;
  /** Why each re-run attempt was inconclusive. */
  inconclusive_attempts?: string[];
  /** A shard's executions only: where the search found it, for the merge's one-worker order (search/shard.ts). */
  path?: number[];
}

export interface RunResults {
  schema: 'filibuster-results/1';
  test: TestSpec;
  started_at: string;
  wall_ms: number;
  options: Record<string, unknown>;
  counts: {
    ran: number;
    pruned: number;
    passed: number;
    failed: number;
    crashed: number;
    hung: number;
    /** Confirmed leaks: calls left open after the test by a caller that abandoned them. */
    leaked: number;
    inconclusive: number;
    /** Replays of a counterexample that did not run its fault set (0 in an exploration). */
    not_reproduced: number;
    explored: number;
    not_explored: number;
    beyond_max_faults: number;
    filtered_out: number;
  };
  complete: boolean;
  stop_reason: string;
  background_calls: string[];
  executions: ExecutionResult[];
  triage?: TriageReport;
  /** Absent when the fault-free execution did not pass (nothing was planned). */
  plan?: RunPlan;
  /** sometimes/always/unreachable properties reported during the run (absent when none was). */
  properties?: PropertySummary[];
  replay_stability?: { runs: number; reproduced: number; stability: Stability };
  parallel?: ParallelStats;
  /** A shard's results (`--shard i/n`). */
  shard?: ShardSection;
  /** Results merged from every shard of a run (`filibuster merge`). */
  merged?: MergedSection;
}

/** What one shard did (search/shard.ts): its own executions, and the others it ran or left. */
export interface ShardSection {
  /** 1-based. */
  index: number;
  count: number;
  /** Scheduled executions it owns, ran or pruned (the fault-free one, which every shard runs, not counted). */
  own: number;
  /** Executions of other shards it ran only to discover its own; not reported. */
  discovery: number;
  /** Executions of other shards it neither ran nor reported: pruned here, or at --max-faults (they discover nothing). */
  skipped: number;
  /** Equal across the shards of one run: digests of the catalogue and the services file. */
  fingerprint: { catalogue: string; services: string | null; service_env: string };
}

/** The shards a merged results.json was made from. */
export interface MergedSection {
  count: number;
  /** Discovery runs of all shards together (executions run again only to discover others). */
  discovery: number;
  shards: { index: number; own: number; discovery: number; skipped: number; wall_ms: number; complete: boolean }[];
}

export type Stability = 'deterministic' | 'flaky' | 'not replayed';

/**
 * What a failure looked like, for grouping the failing executions triage did not minimise
 * (run/failure-signature.ts): the entry request, the verdict, the error with ids and numbers made
 * placeholders, the faulted edges.
 */
export interface FailureSignature {
  /** "GET /orders/:id on gateway", or "the test" when no entry service reported its response. */
  entry: string;
  verdict: Verdict;
  /** The detail's first line, normalised ("connect ECONNREFUSED <host>:<port>"). */
  error: string;
  /** "caller → callee" of every faulted call, sorted, without repeats. */
  edges: string[];
}

export interface FailureGroup {
  id: number;
  /** The minimal fault set; for a group by signature (not minimised), one member's fault set, as an example. */
  faults: FaultEntry[];
  verdict: Verdict;
  detail?: string;
  /** Numbers of the failing explored executions in this group. */
  executions: number[];
  /** True when the fault set is 1-minimal (false only when triage was cut short). */
  minimal: boolean;
  /** A counterexample that runs exactly this fault set. */
  counterexample?: string;
  replays: { runs: number; reproduced: number };
  stability: Stability;
  /** Present for a group of executions not minimised (triage cut short): what they have in common. */
  signature?: FailureSignature & { words: string; /** The member whose fault set and counterexample the group shows. */ example: number };
}

/**
 * The run's plan, settled after the fault-free execution: how much there is to explore and in what order,
 * within which bounds.
 */
export interface RunPlan {
  /** Calls the fault-free execution made. */
  calls: number;
  /** Single faults scheduled after it (filters and --max-faults applied, duplicates dropped). */
  single_faults: number;
  order: ExplorationOrder;
  /** Whether the order was given or is the run's default. */
  order_source: 'given' | 'default';
  max_faults: number | null;
  max_tests: number | null;
  /** The time budget and its split between the search and triage; null without one. */
  budget: BudgetSplit | null;
}

export interface TriageReport {
  replays_per_counterexample: number;
  /** Replays run to minimise (subsets no explored execution had run). */
  minimisation_runs: number;
  /** Probes answered by an explored execution or an earlier replay of the same fault set. */
  answered_without_running: number;
  /** Replays run to label each group deterministic or flaky. */
  confirmation_runs: number;
  stopped?: string;
  groups: FailureGroup[];
}

/** What parallelism cost and saved, for results.json. */
export interface ParallelStats {
  workers: number;
  /** Executions started ahead of their turn. */
  ahead: number;
  /** Runs whose outcome was thrown away (pruned by their turn, tainted by a crash, never reached). */
  wasted: number;
  wasted_ms: number;
  /** Most executions running at once. */
  peak: number;
  /** Why the exploration went on with one execution at a time, if it did. */
  fallback?: string;
}

export interface PropertySummary {
  name: string;
  kind: PropertyKind;
  /** Executions in which it held at least once. */
  held_in: number;
  /** Executions in which it failed at least once (for unreachable: was reached). */
  failed_in: number;
  /** First executions where it failed, for the report. */
  failed_examples: number[];
  satisfied: boolean;
  /** One readable line: "sometimes "fallback used": never held in 12 executions". */
  verdict: string;
}

