/**
 * One exploration, top to bottom (`Exploration.run`): check the options, start the test bed (orchestrator
 * server, services, test runner), run the fault-free execution, then run (or prune) scheduled executions
 * until none is left or a budget is used up, writing results as it goes (frontier-loop.ts); then triage the
 * failing executions (triage-step.ts), and finish by writing results.json and the reports.
 * With a counterexample, run exactly its fault set once instead (and `replays` more times, unnumbered, to
 * label it deterministic or flaky: counterexample-replay.ts).
 */
import { randomBytes } from 'node:crypto';
import type { IdentityMode, IdentityRules } from '../../instrumentation/protocol.js';
import type { CounterexampleContext } from '../results/counterexample.js';
import { writeReports } from '../results/report/index.js';
import { readServicePorts, sweepInterruptedRun, writeRunState } from '../results/resume.js';
import type { ExecutionResult, ParallelStats, RunPlan, RunResults, TriageReport } from '../results/run-results.js';
import { summariseRun } from '../results/run-summary.js';
import { ResultsWriter } from '../results/writer.js';
import { TestSetupError } from '../runner/test-runner.js';
import { Explorer } from '../search/explorer.js';
import type { Call } from '../search/model.js';
import { runToken } from '../server/auth.js';
import { Session, type Traffic } from '../server/session.js';
import { calibrateBed } from './calibration.js';
import { replayCounterexample, type ReplayFindings } from './counterexample-replay.js';
import { ExecutionRuns } from './execution-runs.js';
import { checkOptions, pythonScope, recordedOptions, type ExplorationOptions, type Profile, type Scope } from './exploration-options.js';
import { FrontierLoop } from './frontier-loop.js';
import { resumeFromJournal } from './journal-resume.js';
import { startParallel } from './parallel-start.js';
import { NO_CALLS_WARNING, planInWords, planOf, startInWords } from './plan.js';
import { ranResult, replayContextOf, RunRecords } from './run-records.js';
import { RunStop } from './run-stop.js';
import { ShardRun } from './shard-run.js';
import { TestBed } from './test-bed.js';
import { triageFailures } from './triage-step.js';

export { DEFAULT_TIME_BUDGET_MS, withDefaults, type ExplorationOptions } from './exploration-options.js';

export interface ExplorationOutcome {
  results: RunResults;
  /** Stopped by SIGINT/SIGTERM. */
  interrupted: boolean;
  resultsPath: string;
  /** For a replay: whether every fault of the counterexample was injected. */
  allFaultsHit?: boolean;
  /** Failing executions, with their calls (for summaries). */
  failing: { result: ExecutionResult; calls: Call[] }[];
  /** The orchestrator's traffic over the run (server/session.ts), for benchmarks. */
  traffic: Traffic;
}

/**
 * Runs one exploration as the options say, and no more: without `order` it is depth-first (the original's
 * order, whose counts the corpus and the README quote) and without `timeBudgetMs` it has no time budget.
 * `userDefaults: true` gives it the defaults of the CLI's `run` and of `filibusterTest` instead: by-size
 * order and a default time budget on the node profile (exploration-options.ts).
 */
export async function explore(options: ExplorationOptions): Promise<ExplorationOutcome> {
  return new Exploration(options).run();
}

class Exploration {
  private readonly options: ExplorationOptions;
  private readonly started = Date.now();
  /** Replaced once, by the Python profile's, when calibration finds Python services (pythonScope). */
  private scope: Scope;
  private readonly log: (message: string) => void;
  private readonly writer: ResultsWriter;
  private readonly runId = randomBytes(4).toString('hex');
  private readonly bed: TestBed;
  private readonly explorer: Explorer;
  /** Explored executions, discovery runs and unnumbered replays on the bed (execution-runs.ts). */
  private readonly runs: ExecutionRuns;
  private readonly frontier: FrontierLoop;
  private readonly records: RunRecords;
  /** What every counterexample records so that it replays alone (its identity set once the bed runs). */
  private readonly replayContext: CounterexampleContext;
  /** 'python' once told so, or once a message without an execution id showed it (calibration). */
  private profile: Profile;
  /** A resumed run's identity rules, from its journal. */
  private resumedIdentity?: IdentityRules;
  /** `--shard i/n`: which executions are this shard's own (shard-run.ts). */
  private readonly shard?: ShardRun;

  private interrupted = false;
  private readonly stop = new RunStop();
  private readonly replayed: ReplayFindings = {};
  private parallelStats?: ParallelStats;
  private triageReport?: TriageReport;
  private plan?: RunPlan;

  constructor(options: ExplorationOptions) {
    this.options = options;
    this.scope = checkOptions(options, this.started);
    this.log = options.log ?? (() => {});
    this.writer = new ResultsWriter(options.outputDir, options.resume);
    this.bed = new TestBed(new Session((m) => this.log(`warning: ${m}`), { realTimeConditions: options.realTimeConditions ?? false }));
    this.explorer = new Explorer(options.catalogue.withConditions(this.scope.conditions), {
      dynamicReduction: options.dynamicReduction && !options.counterexample,
      strictReduction: options.strictReduction,
      order: this.scope.order,
      maxFaults: this.scope.maxFaults,
      filter: this.scope.filter,
    });
    this.profile = this.scope.profile;
    if (options.shard) this.shard = new ShardRun(options, this.scope.maxFaults);
    const interrupted = () => this.interrupted;
    this.runs = new ExecutionRuns({ bed: this.bed, runId: this.runId, timeoutMs: options.timeoutMs, retries: () => this.scope.inconclusiveRetries, interrupted, log: this.log });
    this.replayContext = replayContextOf(options);
    this.records = new RunRecords({
      writer: this.writer,
      identity: () => this.bed.identityRules,
      replay: this.replayContext,
      triage: this.scope.triage && !options.counterexample,
      onExecution: (result) => {
        const { explorer } = this;
        options.onExecution?.(result, { ran: explorer.ranCount, pruned: explorer.prunedCount, pending: explorer.pendingCount, failing: this.records.failing.length });
      },
    });
    const { explorer, runs, records, stop, shard } = this;
    this.frontier = new FrontierLoop({ explorer, runs, records, stop, shard, scope: () => this.scope, failFast: options.failFast, interrupted, runId: this.runId });
  }

  // Ctrl-C / SIGTERM: abort the execution in flight (it is not recorded), then stop everything and write
  // the results. A second signal gets Node's default behaviour.
  private readonly onSignal = () => {
    this.interrupted = true;
    this.bed.abort();
  };

  async run(): Promise<ExplorationOutcome> {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    let prepared: ReturnType<Exploration['prepare']>;
    try {
      prepared = this.prepare();
    } catch (err) {
      this.stopListening();
      throw err;
    }
    try {
      await this.startBed(prepared.token, prepared.servicePorts);
      if (this.options.counterexample) await this.runCounterexample();
      else await this.search(prepared.resumed);
      this.bed.throwIfDown();
      return this.finish();
    } catch (err) {
      // Keep every execution finished so far, and say why the run stopped.
      this.stop.because(`stopped by an error: ${(err as Error).message}`);
      this.finish();
      throw err;
    } finally {
      this.stopListening();
      await this.bed.close();
    }
  }

  private stopListening(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }

  /**
   * Before anything starts or is written: the token, and the journal to resume from (journal-resume.ts).
   * A journal that cannot be resumed leaves results.json as it was.
   */
  private prepare(): { token?: string; resumed: number; servicePorts?: Record<string, number> } {
    const auth = runToken(this.options.host, this.options.token);
    if (auth.generated) this.log(`the orchestrator listens on ${this.options.host}, beyond loopback: its clients must present the token ${auth.token} (given to the services and the test as FILIBUSTER_TOKEN)`);
    const resumed = this.options.resume ? this.resume() : 0;
    return { token: auth.token, resumed, servicePorts: resumed > 0 ? readServicePorts(this.options.outputDir) : undefined };
  }

  private resume(): number {
    const { explorer, bed, records, runs, writer, log, scope } = this;
    const resumed = resumeFromJournal({ writer, explorer, bed, records, runs, scope, log, usePython: (s) => this.usePython(s), settlePlan: (calls) => this.settlePlan(calls) });
    this.resumedIdentity = resumed.identity;
    return resumed.executions;
  }

  private async startBed(token: string | undefined, servicePorts: Record<string, number> | undefined): Promise<void> {
    // What a kill -9 of the interrupted run left running would answer in place of this run's services.
    if (this.options.resume) sweepInterruptedRun(this.options.outputDir, this.log);
    writeRunState(this.writer, this.bed.marker, servicePorts);
    await this.bed.start({ ...this.options, servicePorts, token, slots: this.options.counterexample ? 1 : this.scope.workers, identity: this.startingIdentity(), warn: (m) => this.log(`warning: ${m}`) });
    writeRunState(this.writer, this.bed.marker, this.bed.servicePorts());
    this.replayContext.identity = this.bed.identityRules;
  }

  /** The identity the services start with: a counterexample's or a journal's, else the profile's. */
  private startingIdentity(): IdentityRules | IdentityMode {
    return this.options.counterexample?.identity ?? this.resumedIdentity ?? this.scope.identity;
  }

  /**
   * The node profile, before the search: two fault-free runs, compared (calibration.ts), and the values
   * that changed between them made slots of the run's identity rules. A message without an execution id
   * in the first run means Python services: the run switches to the Python profile, says so, and goes on
   * exactly as if it had been told (the original identity, no calibration).
   */
  private async calibrate(): Promise<void> {
    if (this.scope.identity !== 'templated' || this.options.counterexample || this.resumedIdentity) return;
    const python = pythonScope(this.scope);
    if ((await calibrateBed(this.bed, this.runId, this.runs.timeoutMs, this.log, () => this.interrupted, python.changed)) === 'python') this.usePython(python.scope);
    this.replayContext.identity = this.bed.identityRules;
  }

  /** The Python profile from now on: its order (before anything is scheduled) and budget where they were defaults. */
  private usePython(scope: Scope): void {
    this.profile = 'python';
    this.scope = scope;
    this.explorer.useOrder(scope.order);
  }

  /** After the fault-free execution (run, or read from the journal): the plan, logged and kept for results.json. */
  private settlePlan(calls: number): void {
    this.plan = planOf(this.scope, calls, this.explorer.pendingCount);
    this.log(planInWords(this.plan));
    if (calls === 0) this.log(`warning: ${NO_CALLS_WARNING}`);
  }

  /** The search: the fault-free execution (unless resumed), the frontier, then triage. */
  private async search(resumed: number): Promise<void> {
    const start = startInWords(this.scope);
    if (start && resumed === 0) this.log(start);
    await this.calibrate();
    if (resumed === 0 && !(await this.runFaultFree())) return;
    if (this.options.onlyInitialExecution) return this.stop.asked('only the fault-free execution was asked for', this.explorer.pendingCount);
    this.startParallel();
    await this.frontier.run();
    await this.runs.parallel?.drain();
    // Interrupted, triage replays nothing but still groups the failures (by signature where not minimal).
    if (this.records.failingForTriage.length > 0) await this.triage();
  }

  /** `--workers N`: executions run ahead of their turn, unless something here needs them one at a time. */
  private startParallel(): void {
    const { bed, explorer, runs, shard, runId, log, frontier } = this;
    const remaining = () => this.scope.budget.remainingAfter(frontier.numbered(), frontier.triagePending());
    const run = { workers: this.scope.workers, coverage: this.options.coverage, pythonProfile: this.profile === 'python' };
    this.parallelStats = startParallel({ bed, explorer, runs, shard, runId, log, remaining, ...run });
  }

  /** Triage: failing executions reduced to minimal fault sets and grouped, by unnumbered replays (triage-step.ts). */
  private async triage(): Promise<void> {
    const { records, runs, scope } = this;
    this.triageReport = await triageFailures({ records, runs, scope, interrupted: () => this.interrupted });
  }

  /** The fault-free execution; false when the search cannot go on (interrupted, or the test fails without faults). */
  private async runFaultFree(): Promise<boolean> {
    const initial = await this.runs.numbered([]);
    if (this.interrupted) {
      this.stop.because('interrupted');
      return false;
    }
    const { number } = this.runs;
    this.records.record(ranResult(number, initial, []), initial.calls, [], false);
    if (initial.outcome.setupProblem) throw new TestSetupError(initial.outcome.setupProblem);
    if (initial.judgement.verdict !== 'pass') {
      const { verdict, detail } = initial.judgement;
      this.stop.because(`the test fails without any fault (${verdict}${detail ? `: ${detail}` : ''}); nothing was explored`);
      return false;
    }
    this.frontier.completeRun(number, undefined, initial.calls, true);
    this.shard?.recordOwn(number, []);
    this.settlePlan(initial.calls.length);
    this.runs.adaptTimeout(initial.calls);
    return true;
  }

  /** `--counterexample-file`: its fault set once, numbered, then `--replays N` more runs to label it. */
  private async runCounterexample(): Promise<void> {
    const { bed, explorer, runs, records, scope } = this;
    await replayCounterexample({ counterexample: this.options.counterexample!, bed, explorer, runs, records, scope, interrupted: () => this.interrupted }, this.replayed);
    this.stop.replayed('replayed the counterexample');
  }

  /** Writes results.json and the reports from what was recorded so far. */
  private finish(): ExplorationOutcome {
    const { shard, explorer, records } = this;
    const results = summariseRun({
      test: this.options.test,
      startedAt: this.started,
      options: recordedOptions(this.options, this.scope, { timeoutMs: this.runs.timeoutMs, profile: this.profile, identity: this.bed.identityRules }),
      executions: shard ? shard.withPaths(records.executions) : records.executions,
      complete: this.stop.complete,
      stopReason: this.stop.reason,
      search: shard
        ? { pending: shard.pendingOwn(explorer), beyondMaxFaults: shard.beyondMaxFaults, filteredOut: shard.filteredOut }
        : { pending: explorer.pendingCount, beyondMaxFaults: explorer.beyondMaxFaults, filteredOut: explorer.filteredOut },
      backgroundCalls: this.bed.session.backgroundCalls,
      triage: this.triageReport,
      plan: this.plan,
      replayStability: this.replayed.stability,
      parallel: this.parallelStats,
      shard: shard?.section(),
    });
    const resultsPath = this.writer.writeJson('results.json', results);
    writeReports(this.writer, results);
    return { results, resultsPath, allFaultsHit: this.replayed.allFaultsHit, failing: records.failing, interrupted: this.interrupted, traffic: { ...this.bed.session.traffic } };
  }
}
