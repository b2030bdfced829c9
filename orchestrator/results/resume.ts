/**
 * `--resume`: continue an interrupted run from its journal (journal.jsonl in the same --output-dir)
 * without re-running the executions it finished.
 *
 * How the explorer's state is rebuilt: by replaying the journal into a fresh explorer, running nothing.
 * The search is deterministic given what each execution's calls were, so each journal line of a ran
 * execution carries those calls (`explorer_calls`, exactly what the explorer was given). Replaying walks
 * the explorer as the interrupted run did: the fault-free execution completes with its calls; then each
 * `next()` must produce the journal's next execution (same status, same fault set) and a ran one completes
 * with its recorded calls. A journal that does not match (another test, other options, another catalogue)
 * is refused with the execution where it diverges, rather than explored wrongly.
 *
 * Service ports: a call's identity includes its URL's port, so the resumed run must start the services on
 * the interrupted run's ports; every run records them in run-state.json beside the journal, with its run
 * marker, by which a resumed run first stops whatever a kill -9 of the interrupted one left running.
 *
 * Torn lines: each line is appended with one write, but a kill -9 can still cut the last one short. On
 * resume an incomplete last line is dropped with a warning (that execution is simply run again) and cut
 * off the file, so that new lines start clean. A bad line anywhere else is an error naming the line.
 * Counterexamples are written before their execution's journal line, each to a temporary file renamed
 * into place: a kill in between leaves at worst a temporary file (removed by the next ResultsWriter) and
 * an execution that runs again, rewriting its counterexample.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Explorer } from '../search/explorer.js';
import { stableJson, type Call, type Failure, type ScheduledExecution } from '../search/model.js';
import { InvalidOptionError } from '../option-error.js';
import type { ExecutionResult, ResultsWriter } from './results.js';
import { isRunMarker, sweepMarked } from '../runner/run-marker.js';

/** A journal line: the execution's result, and for a ran execution the calls the explorer was given. */
export interface JournalLine extends ExecutionResult {
  explorer_calls?: Call[];
}

/** The complete lines of a journal (none when there is no journal); a torn last line is cut off the file. */
export function readJournal(path: string, warn: (message: string) => void): JournalLine[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const lines: JournalLine[] = [];
  let offset = 0;
  let lineNumber = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    lineNumber++;
    if (end === -1) {
      // No newline: the write of this line was cut short.
      warn(`${path}: line ${lineNumber} is incomplete (the run was killed while writing it); ignored, that execution runs again`);
      truncateSync(path, Buffer.byteLength(text.slice(0, offset)));
      break;
    }
    const raw = text.slice(offset, end);
    offset = end + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InvalidOptionError(`${path}: line ${lineNumber} is not valid JSON; cannot resume from this journal`);
    }
    const line = parsed as JournalLine;
    if (!line || typeof line !== 'object' || typeof line.number !== 'number' || (line.status !== 'ran' && line.status !== 'pruned') || !Array.isArray(line.faults)) {
      throw new InvalidOptionError(`${path}: line ${lineNumber} is not an execution record; cannot resume from this journal`);
    }
    if (line.number !== lineNumber) throw new InvalidOptionError(`${path}: line ${lineNumber} records execution ${line.number}; cannot resume from this journal`);
    if (line.status === 'ran' && !Array.isArray(line.explorer_calls)) {
      throw new InvalidOptionError(`${path}: line ${lineNumber} has no calls recorded (a journal from an older version?); cannot resume from it`);
    }
    lines.push(line);
  }
  return lines;
}

/** What replaying a journal line hands back to the exploration, to rebuild its own records. */
export interface Replayed {
  line: JournalLine;
  /** The failures the execution was scheduled with (none for the fault-free one). */
  failures: readonly Failure[];
  calls: Call[];
}

/** A fault set by what identifies each fault (the journal's entries and the explorer's failures alike). */
const faultsKey = (faults: readonly Pick<Failure, 'execution_index' | 'forced_exception' | 'failure_metadata'>[]) =>
  faults
    .map((f) => stableJson([f.execution_index, f.forced_exception ?? null, f.failure_metadata ?? null]))
    .sort()
    .join('|');

/**
 * Replays the journal into the explorer (which must be fresh), calling `each` per line in order.
 * Throws a usage error where the journal and this run's exploration diverge.
 */
export function replayJournal(path: string, lines: readonly JournalLine[], explorer: Explorer, each: (r: Replayed) => void): void {
  const diverged = (n: number, why: string) =>
    new InvalidOptionError(`${path}: execution ${n} does not match this run (${why}); resume with the same test, services, catalogue and options, or start afresh without --resume`);
  for (const line of lines) {
    if (line.number === 1) {
      if (line.status !== 'ran' || line.faults.length > 0) throw diverged(1, 'the first execution must be the fault-free one');
      explorer.complete(1, undefined, line.explorer_calls!);
      each({ line, failures: [], calls: line.explorer_calls! });
      continue;
    }
    const step = explorer.next();
    if (!step) throw diverged(line.number, 'this run has nothing left to explore');
    const te: ScheduledExecution = step.execution;
    const expected = step.kind === 'pruned' ? 'pruned' : 'ran';
    if (line.status !== expected) throw diverged(line.number, `the journal says ${line.status}, this run would have it ${expected}`);
    if (faultsKey(te.failures) !== faultsKey(line.faults)) throw diverged(line.number, 'another fault set');
    if (step.kind === 'pruned') {
      each({ line, failures: te.failures, calls: [] });
      continue;
    }
    explorer.complete(line.number, te, line.explorer_calls!);
    each({ line, failures: te.failures, calls: line.explorer_calls! });
  }
}

/** The journal line for an execution: its result, plus the calls the explorer was given (ran only). */
export function journalLine(result: ExecutionResult, calls: readonly Call[] | undefined): string {
  return JSON.stringify(calls && result.status === 'ran' ? { ...result, explorer_calls: calls } : result) + '\n';
}

/**
 * Beside the journal: `run-state.json`, what a resumed run must know of the interrupted one:
 *   { "run_marker": the run's marker (runner/run-marker.ts), "service_ports"?: { <service>: port } }
 * It is written before the services start (the marker, and the ports a resumed run reuses) and again
 * once they listen (their ports), so that whatever a kill -9 leaves running is always findable.
 */
export const RUN_STATE = 'run-state.json';

export function writeRunState(writer: ResultsWriter, marker: string, servicePorts: Record<string, number> | undefined): void {
  writer.writeJson(RUN_STATE, { run_marker: marker, ...(servicePorts ? { service_ports: servicePorts } : {}) });
}

/** The service ports the interrupted run used (none recorded: fresh ones, and the journal will not match). */
export function readServicePorts(outputDir: string): Record<string, number> | undefined {
  const path = join(outputDir, RUN_STATE);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as { service_ports?: Record<string, number> };
    const ports = state.service_ports;
    if (!ports || typeof ports !== 'object' || Object.values(ports).some((p) => !Number.isInteger(p))) throw new Error('service_ports');
    return ports;
  } catch {
    throw new InvalidOptionError(`${path}: not a run state (service_ports by service name); cannot resume`);
  }
}

/**
 * A run killed with SIGKILL cannot stop what it started: its services go on listening on the ports the
 * resumed run must reuse (and would answer in its place, with no orchestrator behind them: no faults),
 * and a test's descendants may go on running. Before a resumed run starts anything, every process that
 * carries the interrupted run's marker is killed. Returns how many were; nothing when no marker is recorded.
 */
export function sweepInterruptedRun(outputDir: string, log: (message: string) => void): number {
  const path = join(outputDir, RUN_STATE);
  let marker: unknown;
  try {
    marker = (JSON.parse(readFileSync(path, 'utf8')) as { run_marker?: unknown }).run_marker;
  } catch {
    return 0; // no state (the run was killed before writing it, so before starting anything), or torn
  }
  if (!isRunMarker(marker)) return 0;
  const killed = sweepMarked(marker);
  if (killed > 0) log(`stopped ${killed} process(es) left running by the interrupted run (${marker})`);
  return killed;
}
