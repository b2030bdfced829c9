/**
 * The journal (journal.jsonl in the --output-dir): one line per finished execution, appended as the run
 * goes, from which `--resume` (resume.ts) rebuilds the search state without re-running anything.
 *
 * How the explorer's state is rebuilt: by replaying the journal into a fresh explorer, running nothing.
 * The search is deterministic given what each execution's calls were, so each journal line of a ran
 * execution carries those calls (`explorer_calls`, exactly what the explorer was given). Replaying walks
 * the explorer as the interrupted run did: the fault-free execution completes with its calls; then each
 * `next()` must produce the journal's next execution (same status, same fault set) and a ran one completes
 * with its recorded calls. A journal that does not match (another test, other options, another catalogue)
 * is refused with the execution where it diverges, rather than explored wrongly.
 *
 * Torn lines: each line is appended with one write, but a kill -9 can still cut the last one short. On
 * resume an incomplete last line is dropped with a warning (that execution is simply run again) and cut
 * off the file, so that new lines start clean. A bad line anywhere else is an error naming the line.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import type { IdentityRules } from '../../instrumentation/protocol.js';
import { recordIdentity, type RecordedIdentity } from './identity-record.js';
import type { Explorer } from '../search/explorer.js';
import { stableJson, type Call, type Failure, type ScheduledExecution } from '../search/model.js';
import { InvalidOptionError } from '../option-error.js';
import type { ExecutionResult } from './run-results.js';

/** A journal line: the execution's result, and for a ran execution the calls the explorer was given. */
export interface JournalLine extends ExecutionResult {
  explorer_calls?: Call[];
  /** On the first line: the run's call identity (its version and rules), which a resumed run keeps. */
  identity?: RecordedIdentity;
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
export function journalLine(result: ExecutionResult, calls: readonly Call[] | undefined, identity?: IdentityRules): string {
  const line: JournalLine = calls && result.status === 'ran' ? { ...result, explorer_calls: [...calls] } : { ...result };
  if (identity) line.identity = recordIdentity(identity);
  return JSON.stringify(line) + '\n';
}

