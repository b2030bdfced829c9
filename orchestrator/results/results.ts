/**
 * Results files in the output directory:
 *  - `journal.jsonl`: one line per finished execution, appended as the run goes: its result (as in
 *    results.json, before triage adds groups) and, for a ran execution, `explorer_calls`, the calls the
 *    explorer was given, from which `--resume` rebuilds the search state (resume.ts);
 *  - `results.json`: the whole run (schema below), written at the end (also when the run is cut short);
 *  - `counterexamples/execution-<n>.json`: one per failing execution; `counterexamples/replay-<k>.json`: one
 *    per failing triage replay (a minimal fault set that no explored execution ran on its own);
 *  - `report.html` and `junit.xml` (report/), written with results.json;
 *  - `run-state.json`: the run's marker and service ports, for --resume (resume.ts).
 * Every file but the journal is written whole to `<name>.tmp` and renamed into place; a `.tmp` file is what
 * a killed run left mid-write, and the next ResultsWriter removes it.
 *
 * results.json, schema "filibuster-results/1" (JSON Schema: results.schema.json beside this file):
 * {
 *   "schema": "filibuster-results/1",
 *   "test": { "kind": "command" | "module", "value": string },
 *   "started_at": ISO time, "wall_ms": number,
 *   "options": { "dynamic_reduction", "strict_reduction", "ei_compat", "fail_fast", "max_tests", "timeout_ms",
 *                "order", "max_faults", "time_budget_ms", "filters", "triage", "replays" },
 *   "counts": {
 *     "ran", "pruned", "passed", "failed", "crashed", "hung", "inconclusive",
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
 *     "verdict": "pass" | "fail" | "crash" | "hang" | "inconclusive" (ran only),
 *     "detail"?: string, "duration_ms"?: number, "calls"?: number,
 *     "counterexample"?: relative path,
 *     "tree"?: [{ "depth", "source", "target", "method", "path", "outcome", "fault"? }] (ran only: the calls
 *       in causal pre-order; outcome is the status or exception the caller met),
 *     "entry"?: [{ "service", "method", "path", "status", "body_md5", "content_type"? }] (ran only: the
 *       responses entry services sent to the test, when they run our instrumentation),
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
 *   "triage"?: {                                 (present when triage ran: failures found and triage on)
 *     "replays_per_counterexample", "minimisation_runs", "answered_without_running", "confirmation_runs",
 *     "stopped"?: why triage was cut short,
 *     "groups": [{ "id", "faults": [fault entries, as above: the 1-minimal failing fault set], "verdict",
 *                  "detail"?, "executions": [numbers of the failing executions in the group], "minimal",
 *                  "counterexample"?: relative path of one that runs exactly this set,
 *                  "replays": { "runs", "reproduced" }, "stability": "deterministic" | "flaky" | "not replayed" }]
 *   }
 * }
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CallNode, EntryResponse } from './call-tree.js';
import { crashPoint } from '../crash-test-hook.js';
import type { ParallelStats } from '../run/parallel.js';
import type { PropertySummary, PropertyTally } from './property-summary.js';
import type { TestSpec } from './counterexample.js';
import type { Call, Failure } from '../search/model.js';
import { journalLine } from './resume.js';
import type { Stability, TriageReport } from '../run/triage.js';

export type Verdict = 'pass' | 'fail' | 'crash' | 'hang' | 'inconclusive';

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
  status: 'ran' | 'pruned';
  faults: FaultEntry[];
  verdict?: Verdict;
  detail?: string;
  duration_ms?: number;
  calls?: number;
  counterexample?: string;
  tree?: CallNode[];
  entry?: EntryResponse[];
  group?: number;
  properties?: PropertyTally[];
  /** Attempts it took when inconclusive attempts were re-run (absent: one). */
  attempts?: number;
  /** Why each re-run attempt was inconclusive. */
  inconclusive_attempts?: string[];
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
    inconclusive: number;
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
  /** sometimes/always/unreachable properties reported during the run (absent when none was). */
  properties?: PropertySummary[];
  replay_stability?: { runs: number; reproduced: number; stability: Stability };
  parallel?: ParallelStats;
}

/** A file being written is `<name>.tmp` in the same directory until it is renamed into place. */
const TEMP_SUFFIX = '.tmp';

export class ResultsWriter {
  readonly dir: string;
  private readonly journal: string;
  private readonly counterexampleDir: string;

  /** `keepJournal`: a resumed run appends to the journal it resumes from (resume.ts). */
  constructor(dir: string, keepJournal = false) {
    this.dir = dir;
    this.counterexampleDir = join(dir, 'counterexamples');
    mkdirSync(this.counterexampleDir, { recursive: true });
    this.journal = join(dir, 'journal.jsonl');
    if (!keepJournal || !existsSync(this.journal)) writeFileSync(this.journal, '');
    // A run killed in the middle of a write leaves its temporary file behind; the file it was meant to
    // replace is intact (or absent), and whatever was being written is written again by this run.
    for (const folder of [dir, this.counterexampleDir]) {
      for (const name of readdirSync(folder)) if (name.endsWith(TEMP_SUFFIX)) rmSync(join(folder, name), { force: true });
    }
  }

  /** Starts the journal afresh (a resume that finds nothing to resume from). */
  resetJournal(): void {
    writeFileSync(this.journal, '');
  }

  get journalPath(): string {
    return this.journal;
  }

  /**
   * One line per execution, with the calls the explorer was given (resume.ts), in a single write(2) of the
   * complete line on an O_APPEND descriptor, so a line is never interleaved with another; a kill -9 can
   * at worst leave the last line torn, which a resume drops. A short write (a full disk) is an error
   * rather than a second write: the line stays torn, and the execution runs again on resume.
   */
  append(result: ExecutionResult, calls?: readonly Call[]): void {
    const line = Buffer.from(journalLine(result, calls));
    const fd = openSync(this.journal, 'a');
    try {
      crashPoint('journal-append', line, (part) => writeSync(fd, part));
      const written = writeSync(fd, line);
      if (written !== line.length) throw new Error(`${this.journal}: only ${written} of ${line.length} bytes of a journal line were written`);
    } finally {
      closeSync(fd);
    }
  }

  /** `name` is e.g. "execution-12" (a failing execution) or "replay-3" (a failing triage replay). */
  counterexamplePath(name: string): string {
    return join(this.counterexampleDir, `${name}.json`);
  }

  relative(path: string): string {
    return relative(this.dir, path);
  }

  /** Written to a temporary file and renamed, so a reader never sees half a file. */
  writeJson(name: string, value: unknown): string {
    return this.writeText(name, JSON.stringify(value, null, 2) + '\n');
  }

  /**
   * The temporary file is in the same directory as the file it replaces, so the rename is atomic: after a
   * kill -9 at any point the file is either the old one (or absent) or the complete new one.
   */
  writeText(name: string, text: string): string {
    const path = join(this.dir, name);
    const temp = path + TEMP_SUFFIX;
    const bytes = Buffer.from(text);
    if (dirname(path) === this.counterexampleDir) crashPoint('counterexample-write', bytes, (part) => writeFileSync(temp, part));
    writeFileSync(temp, bytes);
    renameSync(temp, path);
    return path;
  }
}
