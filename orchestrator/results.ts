/**
 * Results files in the output directory:
 *  - `journal.jsonl`: one line per finished execution, appended as the run goes;
 *  - `results.json`: the whole run (schema below), written at the end (also when the run is cut short);
 *  - `counterexamples/execution-<n>.json`: one per failing execution;
 *  - `report.html` and `junit.xml` (report/), written with results.json.
 *
 * results.json, schema "filibuster-results/1":
 * {
 *   "schema": "filibuster-results/1",
 *   "test": { "kind": "command" | "module", "value": string },
 *   "started_at": ISO time, "wall_ms": number,
 *   "options": { "dynamic_reduction", "strict_reduction", "ei_compat", "fail_fast", "max_tests", "timeout_ms" },
 *   "counts": { "ran", "pruned", "passed", "failed", "crashed", "hung", "inconclusive", "not_explored" },
 *   "complete": true when every reachable execution was run or pruned,
 *   "stop_reason": why the run ended,
 *   "background_calls": calls made outside any inbound request (timers, start-up): reported, never faulted,
 *   "executions": [{
 *     "number": 1-based, in the order of the original's numbering (pruned ones included),
 *     "id": execution id on the wire (absent for pruned),
 *     "status": "ran" | "pruned",
 *     "faults": [{ "description", "execution_index", "forced_exception"?, "failure_metadata"? }],
 *     "verdict": "pass" | "fail" | "crash" | "hang" | "inconclusive" (ran only),
 *     "detail"?: string, "duration_ms"?: number, "calls"?: number,
 *     "counterexample"?: relative path,
 *     "tree"?: [{ "depth", "source", "target", "method", "path", "outcome", "fault"? }] (ran only: the calls
 *       in causal pre-order; outcome is the status or exception the caller met),
 *     "entry"?: [{ "service", "method", "path", "status", "body_md5", "content_type"? }] (ran only: the
 *       responses entry services sent to the test, when they run our instrumentation)
 *   }]
 * }
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CallNode, EntryResponse } from './call-tree.js';
import type { TestSpec } from './counterexample.js';
import type { Failure } from './model.js';

export type Verdict = 'pass' | 'fail' | 'crash' | 'hang' | 'inconclusive';

export interface FaultEntry {
  description: string;
  execution_index: string;
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
    not_explored: number;
  };
  complete: boolean;
  stop_reason: string;
  background_calls: string[];
  executions: ExecutionResult[];
}

export class ResultsWriter {
  readonly dir: string;
  private readonly journal: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'counterexamples'), { recursive: true });
    this.journal = join(dir, 'journal.jsonl');
    writeFileSync(this.journal, '');
  }

  /** One line per execution; a single write call, so a line is never interleaved. */
  append(result: ExecutionResult): void {
    appendFileSync(this.journal, JSON.stringify(result) + '\n');
  }

  counterexamplePath(number: number): string {
    return join(this.dir, 'counterexamples', `execution-${number}.json`);
  }

  relative(path: string): string {
    return relative(this.dir, path);
  }

  /** Written to a temporary file and renamed, so a reader never sees half a file. */
  writeJson(name: string, value: unknown): string {
    return this.writeText(name, JSON.stringify(value, null, 2) + '\n');
  }

  writeText(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path + '.tmp', text);
    renameSync(path + '.tmp', path);
    return path;
  }
}
