/**
 * What an exploration records as it goes: every execution's result line, in order, journaled at once
 * (the journal is what --resume reads); a counterexample for each failing scheduled execution; and the
 * material triage needs (every explored fault set's verdict, the failing executions' injected faults).
 */
import { ORIGINAL_RULES, type IdentityRules } from '../../instrumentation/protocol.js';
import type { ExplorationOptions } from './exploration-options.js';
import { callTimes, callTree } from '../results/call-tree.js';
import { dirname } from 'node:path';
import { parseConditions } from '../catalogue/conditions.js';
import { buildCounterexample, catalogueOfFaults, replaySection, type CounterexampleContext } from '../results/counterexample.js';
import type { ExecutionResult, FaultEntry, Verdict } from '../results/run-results.js';
import type { ResultsWriter } from '../results/writer.js';
import { faultSetKey, type Call, type Failure } from '../search/model.js';
import type { Attempted } from './parallel.js';
import { entrySummary, type ReadableFailure, type TestOutput } from '../results/readable-failure.js';
import { injectedFailures, type Run } from './test-bed.js';
import type { FailingExecution } from './triage.js';

/** A finding: it gets a counterexample, goes to triage, and makes the run exit 1. */
export const isFailing = (v: Verdict | undefined) => v === 'fail' || v === 'crash' || v === 'hang' || v === 'leak';

export interface RunRecordsOptions {
  writer: ResultsWriter;
  /** What a counterexample records so that it replays on its own (counterexample.ts). */
  replay: CounterexampleContext;
  /** The run's identity rules, recorded on the journal's first line. */
  identity: () => IdentityRules;
  /** Collect triage's material (triage on, and not a counterexample replay). */
  triage: boolean;
  /** Called once per recorded execution (not for those read back from the journal). */
  onExecution?: (result: ExecutionResult) => void;
}

export class RunRecords {
  readonly executions: ExecutionResult[] = [];
  /** Failing executions, with their calls (for summaries). */
  readonly failing: { result: ExecutionResult; calls: Call[] }[] = [];
  /** Every explored execution's verdict by fault set, the fault-free one included. */
  readonly explored = new Map<string, { verdict: Verdict; counterexample?: string }>();
  readonly failingForTriage: FailingExecution[] = [];
  private readonly options: RunRecordsOptions;

  constructor(options: RunRecordsOptions) {
    this.options = options;
  }

  /**
   * `scheduled`: an execution of the search with a fault set (not the fault-free one); `fromJournal`: a
   * resumed execution (already journaled, its counterexample already written).
   */
  record(result: ExecutionResult, calls: Call[], failures: readonly Failure[], scheduled: boolean, fromJournal = false): void {
    const { triage } = this.options;
    if (isFailing(result.verdict) && scheduled) {
      if (!fromJournal) result.counterexample = this.writeCounterexample(`execution-${result.number}`, calls, failures, result.number, result.verdict!, result.detail, result.faults, readablePart(result));
      this.failing.push({ result, calls });
      if (triage) {
        const injected = injectedFailures(failures, calls);
        const entryOf = new Map(failures.map((f, i) => [f, result.faults[i]]));
        this.failingForTriage.push({ number: result.number, verdict: result.verdict!, detail: result.detail, failures: injected, entries: injected.map((f) => entryOf.get(f)!), counterexample: result.counterexample, entry: result.entry });
      }
    }
    if (triage && result.status === 'ran') this.explored.set(faultSetKey(failures), { verdict: result.verdict!, counterexample: result.counterexample });
    this.executions.push(result);
    if (fromJournal) return;
    this.options.writer.append(result, calls, result.number === 1 ? this.options.identity() : undefined);
    this.options.onExecution?.(result);
  }

  /** Writes `counterexamples/<name>.json`; returns its path relative to the output directory. */
  writeCounterexample(name: string, calls: readonly Call[], failures: readonly Failure[], execution: number, verdict: Verdict, detail: string | undefined, faults: FaultEntry[], readable: ReadableFailure = {}): string {
    const { writer, replay } = this.options;
    const file = writer.counterexamplePath(name);
    const path = writer.relative(file);
    const meta = {
      version: 1 as const,
      ...replaySection(replay, dirname(file)),
      catalogue: catalogueOfFaults(failures, calls),
      execution,
      verdict,
      detail,
      faults: faults.map((f) => f.description),
      ...readable,
    };
    writer.writeJson(path, buildCounterexample(calls, failures, meta));
    return path;
  }

  /** Triage's groups, written onto the failing executions they hold. */
  markGroups(groups: readonly { id: number; executions: number[] }[]): void {
    for (const g of groups) for (const n of g.executions) this.executions[n - 1].group = g.id;
  }
}

/**
 * What a reader needs of a failing run (readable-failure.ts): the test's output, the entry responses in
 * full, the services' log lines; empty texts left out. Nothing for a run that did not fail.
 */
export function readableFailure(run: Pick<Run, 'outcome' | 'entry' | 'logs' | 'judgement'>): ReadableFailure {
  if (!isFailing(run.judgement.verdict)) return {};
  const output = Object.fromEntries(Object.entries(run.outcome.output ?? {}).filter(([, text]) => text)) as TestOutput;
  return {
    ...(Object.keys(output).length > 0 ? { output } : {}),
    ...(run.entry.length > 0 ? { entry: run.entry } : {}),
    ...(Object.keys(run.logs.services).length > 0 ? { logs: run.logs.services } : {}),
    ...(run.logs.note ? { logs_note: run.logs.note } : {}),
  };
}

/** The readable part of a result line, for its counterexample. */
function readablePart(r: ExecutionResult): ReadableFailure {
  return { ...(r.output ? { output: r.output } : {}), ...(r.entry ? { entry: r.entry } : {}), ...(r.logs ? { logs: r.logs } : {}), ...(r.logs_note ? { logs_note: r.logs_note } : {}) };
}

function withCallTimes(calls: readonly Call[]): Pick<ExecutionResult, 'call_times'> {
  const times = callTimes(calls);
  return times ? { call_times: times } : {};
}

/** The result line of an execution that ran. */
export function ranResult(number: number, run: Attempted, faults: FaultEntry[]): ExecutionResult {
  const readable = readableFailure(run);
  return {
    number,
    id: run.id,
    ...(run.traceId ? { trace_id: run.traceId } : {}),
    ...(run.traceUrl ? { trace_url: run.traceUrl } : {}),
    status: 'ran',
    faults,
    verdict: run.judgement.verdict,
    ...(run.judgement.finding ? { finding: run.judgement.finding } : {}),
    detail: run.judgement.detail,
    duration_ms: Math.round(run.outcome.durationMs),
    calls: run.calls.length,
    tree: callTree(run.calls),
    ...withCallTimes(run.calls),
    ...(run.entry.length > 0 ? { entry: readable.entry ?? run.entry.map(entrySummary) } : {}),
    ...(readable.output ? { output: readable.output } : {}),
    ...(readable.logs ? { logs: readable.logs } : {}),
    ...(readable.logs_note ? { logs_note: readable.logs_note } : {}),
    ...(run.properties.length > 0 ? { properties: run.properties } : {}),
    // Absent means one attempt; the discarded attempts' reasons say what was unreliable.
    ...(run.attempts > 1 ? { attempts: run.attempts, inconclusive_attempts: run.discarded } : {}),
  };
}

/** What every counterexample of the run records so that it replays alone; its identity is set once the bed runs. */
export function replayContextOf(options: ExplorationOptions): CounterexampleContext {
  return {
    identity: ORIGINAL_RULES,
    test: options.test,
    servicesConfig: options.servicesConfig,
    serviceEnv: options.serviceEnv,
    options: {
      ei_compat: options.eiCompat,
      ...(options.port !== 0 ? { port: options.port } : {}),
      ...(options.host !== '127.0.0.1' ? { host: options.host } : {}),
      ...(options.timeoutMs !== undefined ? { timeout_ms: options.timeoutMs } : {}),
      ...(options.conditions?.length ? { conditions: parseConditions(options.conditions) } : {}),
    },
  };
}
