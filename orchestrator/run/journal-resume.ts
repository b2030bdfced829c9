/**
 * `--resume`, the exploration's side (the journal itself: results/journal.ts, results/resume.ts): the
 * interrupted run's executions are replayed into the explorer and the records, not run again, so the
 * search continues where it stopped, under the journal's identity rules and profile.
 */
import type { IdentityRules } from '../../instrumentation/protocol.js';
import { recordedIdentity } from '../results/identity-record.js';
import { readJournal, replayJournal } from '../results/journal.js';
import type { ResultsWriter } from '../results/writer.js';
import type { Explorer } from '../search/explorer.js';
import { pythonScope, type Scope } from './exploration-options.js';
import type { ExecutionRuns } from './execution-runs.js';
import type { RunRecords } from './run-records.js';
import type { TestBed } from './test-bed.js';

export interface JournalResume {
  writer: ResultsWriter;
  explorer: Explorer;
  bed: TestBed;
  records: RunRecords;
  runs: ExecutionRuns;
  /** The run's scope before the journal is read. */
  scope: Scope;
  log: (message: string) => void;
  /** Switches the run to the Python profile (the interrupted run had switched). */
  usePython: (scope: Scope) => void;
  /** The plan, once the fault-free execution is read back. */
  settlePlan: (calls: number) => void;
}

/** How many executions the journal held (0: start afresh), and its identity rules, if it had a line. */
export function resumeFromJournal(r: JournalResume): { executions: number; identity?: IdentityRules } {
  const { writer, log } = r;
  const lines = readJournal(writer.journalPath, (m) => log(`warning: ${m}`));
  if (lines.length === 0) return { executions: 0 };
  const identity = recordedIdentity(lines[0].identity, `${writer.journalPath}: line 1`);
  // The original identity where this run would template: the interrupted run had switched to Python.
  if (identity.mode === 'original' && r.scope.identity === 'templated') {
    const python = pythonScope(r.scope);
    log(`the journal's run drove Python services: resuming on the Python profile${python.changed.map((w) => `, ${w}`).join('')}`);
    r.usePython(python.scope);
  }
  if (lines[0].verdict !== 'pass') {
    // The run stopped at its fault-free execution: there is no search to continue.
    log('warning: the journal holds no passing fault-free execution; starting afresh');
    writer.resetJournal();
    return { executions: 0, identity };
  }
  replayJournal(writer.journalPath, lines, r.explorer, ({ line, failures, calls }) => {
    r.runs.number = line.number;
    r.bed.session.learn(calls);
    const { explorer_calls: _calls, identity: _identity, ...result } = line;
    r.records.record(result, calls, failures, line.status === 'ran' && line.number > 1, true);
    if (line.number === 1) r.settlePlan(calls.length);
  });
  r.runs.adaptTimeout(lines[0].explorer_calls!);
  log(`resumed: ${lines.length} execution(s) from the journal are not run again`);
  return { executions: lines.length, identity };
}
