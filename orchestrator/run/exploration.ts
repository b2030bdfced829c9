/**
 * One exploration, top to bottom (`Exploration.run`): check the options, start the test bed (orchestrator
 * server, services, test runner), run the fault-free execution, then run (or prune) scheduled executions
 * until none is left or a budget is used up, writing results as it goes; then triage the failing
 * executions (triage.ts), and finish by writing results.json and the reports.
 * With a counterexample, run exactly its fault set once instead (and `replays` more times, unnumbered, to
 * label it deterministic or flaky).
 */
import { randomBytes } from 'node:crypto';
import type { IdentityMode, IdentityRules } from '../../instrumentation/protocol.js';
import type { CounterexampleContext } from '../results/counterexample.js';
import { faultEntries } from '../results/fault-entries.js';
import { recordedIdentity } from '../results/identity-record.js';
import { readJournal, replayJournal } from '../results/journal.js';
import { writeReports } from '../results/report/index.js';
import { readServicePorts, sweepInterruptedRun, writeRunState } from '../results/resume.js';
import type { ExecutionResult, ParallelStats, RunPlan, RunResults, TriageReport } from '../results/run-results.js';
import { summariseRun } from '../results/run-summary.js';
import { ResultsWriter } from '../results/writer.js';
import { TestSetupError } from '../runner/test-runner.js';
import { Explorer, type NextStep } from '../search/explorer.js';
import type { Call, Failure, ScheduledExecution } from '../search/model.js';
import { runToken } from '../server/auth.js';
import { Session } from '../server/session.js';
import { calibrateBed } from './calibration.js';
import { checkOptions, pythonScope, recordedOptions, type ExplorationOptions, type Profile, type Scope } from './exploration-options.js';
import { runUntilDefinite } from './inconclusive-retry.js';
import { ShardRun } from './shard-run.js';
import { KeptState } from './kept-state.js';
import { confirmLeak } from './leak-confirmation.js';
import { oneAtATime, oneAtATimeReason, ParallelRunner, type Attempted } from './parallel.js';
import { NO_CALLS_WARNING, planInWords, planOf, startInWords } from './plan.js';
import { notReproducedInWords } from './replay-check.js';
import { isFailing, ranResult, readableFailure, replayContextOf, RunRecords } from './run-records.js';
import { injectedFailures, TestBed } from './test-bed.js';
import { triage } from './triage.js';
import type { Advice } from './verdict.js';

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
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** The same divergence this many times stops the run (each one already re-run: inconclusive-retry.ts). */
const REPEATED_DIVERGENCE = 3;

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
  /** Services found to keep state between executions are restarted before each one (kept-state.ts). */
  private readonly keptState: KeptState;

  private readonly records: RunRecords;
  /** How often each divergence (its advice) left an execution inconclusive. */
  private readonly divergences = new Map<string, number>();
  /** What every counterexample records so that it replays alone (its identity set once the bed runs). */
  private readonly replayContext: CounterexampleContext;
  /** 'python' once told so, or once a message without an execution id showed it (calibration). */
  private profile: Profile;
  /** A resumed run's identity rules, from its journal. */
  private resumedIdentity?: IdentityRules;

  /** The last execution number taken, and the last unnumbered replay (triage, --replays). */
  private number = 0;
  private replayNumber = 0;
  private timeoutMs: number;
  private interrupted = false;
  private complete = true;
  private stopReason = 'every reachable execution was run or pruned';
  private allFaultsHit?: boolean;
  private parallel?: ParallelRunner;
  private parallelStats?: ParallelStats;
  private triageReport?: TriageReport;
  private replayStability?: RunResults['replay_stability'];
  private plan?: RunPlan;
  /** `--shard i/n`: which executions are this shard's own (shard-run.ts). */
  private readonly shard?: ShardRun;

  constructor(options: ExplorationOptions) {
    this.options = options;
    this.scope = checkOptions(options, this.started);
    this.log = options.log ?? (() => {});
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
    this.keptState = new KeptState(this.bed, this.log, () => this.parallel === undefined);
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
      if (this.options.counterexample) await this.replayCounterexample();
      else await this.search(prepared.resumed);
      this.bed.throwIfDown();
      return this.finish();
    } catch (err) {
      // Keep every execution finished so far, and say why the run stopped.
      this.stopWhy(`stopped by an error: ${(err as Error).message}`);
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
   * Before anything starts or is written: the token, and the journal to resume from. A journal that cannot
   * be resumed leaves results.json as it was.
   */
  private prepare(): { token?: string; resumed: number; servicePorts?: Record<string, number> } {
    const auth = runToken(this.options.host, this.options.token);
    if (auth.generated) this.log(`the orchestrator listens on ${this.options.host}, beyond loopback: its clients must present the token ${auth.token} (given to the services and the test as FILIBUSTER_TOKEN)`);
    const resumed = this.options.resume ? this.resume() : 0;
    return { token: auth.token, resumed, servicePorts: resumed > 0 ? readServicePorts(this.options.outputDir) : undefined };
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
    if ((await calibrateBed(this.bed, this.runId, this.timeoutMs, this.log, () => this.interrupted, python.changed)) === 'python') this.usePython(python.scope);
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

  /** The search keeps the rest of a time budget for triage once it has failures to triage (budget.ts). */
  private triagePending(): boolean {
    return this.records.failingForTriage.length > 0;
  }

  /** --resume: replays the journal into the explorer and the records (journal.ts); how many it held. */
  private resume(): number {
    const lines = readJournal(this.writer.journalPath, (m) => this.log(`warning: ${m}`));
    if (lines.length === 0) return 0;
    this.resumedIdentity = recordedIdentity(lines[0].identity, `${this.writer.journalPath}: line 1`);
    // The original identity where this run would template: the interrupted run had switched to Python.
    if (this.resumedIdentity.mode === 'original' && this.scope.identity === 'templated') {
      const python = pythonScope(this.scope);
      this.log(`the journal's run drove Python services: resuming on the Python profile${python.changed.map((w) => `, ${w}`).join('')}`);
      this.usePython(python.scope);
    }
    if (lines[0].verdict !== 'pass') {
      // The run stopped at its fault-free execution: there is no search to continue.
      this.log('warning: the journal holds no passing fault-free execution; starting afresh');
      this.writer.resetJournal();
      return 0;
    }
    replayJournal(this.writer.journalPath, lines, this.explorer, ({ line, failures, calls }) => {
      this.number = line.number;
      this.bed.session.learn(calls);
      const { explorer_calls: _calls, identity: _identity, ...result } = line;
      this.records.record(result, calls, failures, line.status === 'ran' && line.number > 1, true);
      if (line.number === 1) this.settlePlan(calls.length);
    });
    this.adaptTimeout(lines[0].explorer_calls!);
    this.log(`resumed: ${lines.length} execution(s) from the journal are not run again`);
    return lines.length;
  }

  /** The search: the fault-free execution (unless resumed), the frontier, then triage. */
  private async search(resumed: number): Promise<void> {
    const start = startInWords(this.scope);
    if (start && resumed === 0) this.log(start);
    await this.calibrate();
    if (resumed === 0 && !(await this.runFaultFree())) return;
    if (this.options.onlyInitialExecution) {
      this.complete = this.explorer.pendingCount === 0;
      this.stopReason = 'only the fault-free execution was asked for';
      return;
    }
    this.startParallel();
    await this.runFrontier();
    await this.parallel?.drain();
    // Interrupted, triage replays nothing but still groups the failures (by signature where not minimal).
    if (this.records.failingForTriage.length > 0) await this.triage();
  }

  /** The fault-free execution; false when the search cannot go on (interrupted, or the test fails without faults). */
  private async runFaultFree(): Promise<boolean> {
    const initial = await this.runNumbered([]);
    if (this.interrupted) {
      this.stopWhy('interrupted');
      return false;
    }
    this.records.record(ranResult(this.number, initial, []), initial.calls, [], false);
    if (initial.outcome.setupProblem) throw new TestSetupError(initial.outcome.setupProblem);
    if (initial.judgement.verdict !== 'pass') {
      const { verdict, detail } = initial.judgement;
      this.stopWhy(`the test fails without any fault (${verdict}${detail ? `: ${detail}` : ''}); nothing was explored`);
      return false;
    }
    this.completeRun(this.number, undefined, initial.calls, true);
    this.shard?.recordOwn(this.number, []);
    this.settlePlan(initial.calls.length);
    this.adaptTimeout(initial.calls);
    return true;
  }

  /** Runs (or prunes) what the explorer hands out until nothing is left, a budget is used up, or a stop. */
  private async runFrontier(): Promise<void> {
    for (;;) {
      if (this.interrupted) return this.stopWhy('interrupted');
      const exhausted = this.explorer.pendingCount > 0 ? this.scope.budget.exhaustedAfter(this.numbered(), this.triagePending()) : undefined;
      if (exhausted) return this.stopWhy(exhausted);
      const step = this.explorer.next();
      if (!step) return;
      if (this.shard && (await this.othersStep(step))) continue;
      const te: ScheduledExecution = step.execution;
      if (step.kind === 'pruned') {
        this.parallel?.discard(te.key);
        this.number++;
        const as = step.as !== undefined ? { pruned_as: step.as } : {};
        this.shard?.recordOwn(this.number, te.path);
        this.records.record({ number: this.number, status: 'pruned', ...as, faults: faultEntries(te.failures, te.prefix) }, [], te.failures, false);
        continue;
      }
      // An interruption closes the test runners under the runs in flight: what they throw then is the
      // interruption's doing, not an error of the run.
      const run = await this.runNumbered(te.failures, te.prefix, te).catch((err: unknown) => {
        if (this.interrupted) return undefined;
        throw err;
      });
      if (this.interrupted || !run) return this.stopWhy('interrupted');
      this.completeRun(this.number, te, run.calls, true);
      this.shard?.recordOwn(this.number, te.path);
      const result = ranResult(this.number, run, faultEntries(te.failures, run.calls.length ? run.calls : te.prefix));
      this.records.record(result, run.calls, te.failures, true);
      const repeated = this.repeatedDivergence(run.judgement.verdict === 'inconclusive' ? run.judgement.notReproduced?.advice : undefined);
      if (repeated) return this.stopWhy(repeated);
      if (this.options.failFast && isFailing(result.verdict)) {
        this.complete = this.explorer.pendingCount === 0;
        this.stopReason = `--fail-fast: execution ${this.number} failed`;
        return;
      }
    }
  }

  /** Executions handed out in one-worker order, for the budgets: a shard counts every shard's. */
  private numbered(): number {
    return this.shard ? this.shard.numbered + 1 : this.number;
  }

  private completeRun(number: number, scheduled: ScheduledExecution | undefined, calls: Call[], own: boolean): void {
    if (this.shard) this.shard.complete(this.explorer, number, scheduled, calls, own);
    else this.explorer.complete(number, scheduled, calls);
  }

  /**
   * A shard's step that is not its own (shard-run.ts): another shard's execution is run only to discover
   * what it leads to (unnumbered, unreported), or left to its owner when it leads to nothing here or was
   * pruned. False for an own execution, which the loop runs as any.
   */
  private async othersStep(step: NextStep): Promise<boolean> {
    const shard = this.shard!;
    const te = step.execution;
    const role = shard.handOut(te);
    if (role === 'own') return false;
    if (role === 'skip' || step.kind === 'pruned') {
      this.parallel?.discard(te.key);
      shard.skipped++;
      return true;
    }
    const id = `${this.runId}-discovery-${shard.discovery + 1}`;
    const run = await (this.parallel ? this.parallel.obtain(te, id) : this.attempt(0, id, te.failures, te.prefix)).catch((err: unknown) => {
      if (this.interrupted) return undefined;
      throw err;
    });
    if (this.interrupted || !run) return true;
    shard.discovery++;
    // Number 0: a discovery run is no witness a pruned execution could name (explorer.ts).
    this.completeRun(0, te, run.calls, false);
    return true;
  }

  /** `--workers N`: run executions ahead of their turn, unless something here needs them one at a time. */
  private startParallel(): void {
    const { workers } = this.scope;
    if (workers === 1) return;
    const why = oneAtATimeReason({
      coverage: this.options.coverage,
      statefulService: this.bed.statefulService(),
      pythonProfile: this.profile === 'python',
      unattributedMessages: this.bed.session.messagesWithoutExecutionId,
    });
    if (why) {
      this.log(`--workers ${workers}: ${why}; running one execution at a time`);
      this.parallelStats = oneAtATime(workers, why);
      return;
    }
    this.parallel = new ParallelRunner({
      workers,
      explorer: this.explorer,
      session: this.bed.session,
      execute: (slot, id, te) => this.attempt(0, id, te.failures, te.prefix, slot, false),
      restartCrashed: () => this.bed.restartCrashed(),
      remaining: () => this.scope.budget.remainingAfter(this.numbered(), this.triagePending()),
      skip: this.shard ? (te) => this.shard!.skips(te) : undefined,
      aheadId: (k) => `${this.runId}-ahead-${k}`,
      log: this.log,
    });
    this.parallelStats = this.parallel.stats;
  }

  /** Triage: failing executions reduced to minimal fault sets and grouped (triage.ts), by unnumbered replays. */
  private async triage(): Promise<void> {
    this.triageReport = await triage(this.records.failingForTriage, {
      explored: this.records.explored,
      replays: this.scope.replays,
      stop: () => (this.interrupted ? 'interrupted' : this.scope.budget.timeUp()),
      replay: async (failures) => {
        const run = await this.replay(failures);
        const { verdict, detail } = run.judgement;
        const faults = faultEntries(failures, run.calls);
        const counterexample = isFailing(verdict) ? this.records.writeCounterexample(`replay-${this.replayNumber}`, run.calls, failures, 0, verdict, detail, faults, readableFailure(run)) : undefined;
        return { verdict, detail, injected: injectedFailures(failures, run.calls), counterexample };
      },
    });
    this.records.markGroups(this.triageReport.groups);
  }

  /** `--counterexample-file`: its fault set once, numbered, then `--replays N` more runs to label it. */
  private async replayCounterexample(): Promise<void> {
    const ce = this.options.counterexample!;
    this.bed.session.learn(ce.responseLog.map((r) => ({ ei: r.execution_index, target: r.target_service_name === 'external' ? undefined : r.target_service_name, method: r.method })));
    const run = await this.runNumbered(ce.failures);
    const hit = new Set(run.calls.filter((c) => c.failure).map((c) => c.ei));
    this.allFaultsHit = ce.failures.every((f) => hit.has(f.execution_index));
    // Whatever the test said, a run that did not inject the counterexample's faults shows nothing about them.
    const why = run.judgement.notReproduced;
    if (why) run.judgement = { verdict: 'not-reproduced', detail: notReproducedInWords(ce, why, run.calls), notReproduced: why };
    this.explorer.complete(this.number, undefined, run.calls, false);
    const first = ranResult(this.number, run, faultEntries(ce.failures, run.calls, ce.faultDescriptions));
    this.records.record(first, run.calls, ce.failures, true);
    this.stopReason = 'replayed the counterexample';
    // --replays N: N more runs, not numbered (they are not executions of the search), to tell a
    // deterministic counterexample from a flaky one.
    if (this.scope.replays === 0 || why) return;
    const stability = { runs: 0, reproduced: 0, stability: 'not replayed' as NonNullable<RunResults['replay_stability']>['stability'] };
    this.replayStability = stability;
    for (let i = 0; i < this.scope.replays && !this.interrupted && !this.scope.budget.timeUp(); i++) {
      const again = await this.replay(ce.failures);
      stability.runs++;
      if (isFailing(again.judgement.verdict) === isFailing(first.verdict)) stability.reproduced++;
    }
    stability.stability = stability.runs === 0 ? 'not replayed' : stability.reproduced === stability.runs ? 'deterministic' : 'flaky';
  }

  /** An unnumbered run of exactly these faults (triage, --replays, a leak's confirmation): not an execution of the search. */
  private replay(failures: readonly Failure[], slot = 0, restartCrashed = true) {
    this.replayNumber++;
    return this.bed.run(0, `${this.runId}-replay-${this.replayNumber}`, failures, this.timeoutMs, [], slot, restartCrashed);
  }

  /**
   * An explored execution: it takes the next number. Its run comes from the parallel runner when there is
   * one (parallel.ts); an inconclusive attempt is re-run under a fresh execution id (inconclusive-retry.ts).
   */
  private async runNumbered(failures: readonly Failure[], prefix: readonly Call[] = [], scheduled?: ScheduledExecution): Promise<Attempted> {
    this.number++;
    const id = `${this.runId}-${this.number}`;
    const run = this.parallel && scheduled ? await this.parallel.obtain(scheduled, id) : await this.attempt(this.number, id, failures, prefix);
    if (run.discarded.length > 0) this.log(`execution ${this.number}: ${run.discarded.length} inconclusive attempt(s) re-run (${run.discarded.join(' | ')})`);
    return run;
  }

  private async attempt(n: number, id: string, failures: readonly Failure[], prefix: readonly Call[], slot = 0, restartCrashed = true): Promise<Attempted> {
    const { run, attempts, discarded } = await runUntilDefinite(
      // A leak is confirmed by a replay on the same slot before it counts (leak-confirmation.ts).
      async (k) => confirmLeak(await this.bed.run(n, k === 1 ? id : `${id}-attempt-${k}`, failures, this.timeoutMs, prefix, slot, restartCrashed), () => this.replay(failures, slot, restartCrashed)),
      this.scope.inconclusiveRetries,
      () => this.interrupted,
      (inconclusive) => this.keptState.beforeRetry(inconclusive.judgement),
    );
    return { ...run, attempts, discarded };
  }

  /** Per-execution timeout, unless given: above the longest caller timeout the fault-free execution saw. */
  private adaptTimeout(initialCalls: readonly Call[]): void {
    if (this.options.timeoutMs !== undefined) return;
    const longest = Math.max(0, ...initialCalls.map((c) => Number(c.metadata.timeout) || 0));
    this.timeoutMs = Math.max(DEFAULT_TIMEOUT_MS, longest * 1000 + 10_000);
  }

  /**
   * The same divergence, inconclusive after every re-run, again and again: the run stops and says what
   * makes the calls reproducible, instead of running on to the same end.
   */
  private repeatedDivergence(advice: Advice | undefined): string | undefined {
    if (!advice) return undefined;
    const seen = (this.divergences.get(advice.key) ?? 0) + 1;
    this.divergences.set(advice.key, seen);
    return seen >= REPEATED_DIVERGENCE ? `${seen} executions could not reproduce their scheduled calls, for the same reason: ${advice.text}` : undefined;
  }

  private stopWhy(reason: string): void {
    this.complete = false;
    this.stopReason = reason;
  }

  /** Writes results.json and the reports from what was recorded so far. */
  private finish(): ExplorationOutcome {
    const results = summariseRun({
      test: this.options.test,
      startedAt: this.started,
      options: recordedOptions(this.options, this.scope, { timeoutMs: this.timeoutMs, profile: this.profile, identity: this.bed.identityRules }),
      executions: this.shard ? this.shard.withPaths(this.records.executions) : this.records.executions,
      complete: this.complete,
      stopReason: this.stopReason,
      search: this.shard
        ? { pending: this.shard.pendingOwn(this.explorer), beyondMaxFaults: this.shard.beyondMaxFaults, filteredOut: this.shard.filteredOut }
        : { pending: this.explorer.pendingCount, beyondMaxFaults: this.explorer.beyondMaxFaults, filteredOut: this.explorer.filteredOut },
      backgroundCalls: this.bed.session.backgroundCalls,
      triage: this.triageReport,
      plan: this.plan,
      replayStability: this.replayStability,
      parallel: this.parallelStats,
      shard: this.shard?.section(),
    });
    const resultsPath = this.writer.writeJson('results.json', results);
    writeReports(this.writer, results);
    return { results, resultsPath, allFaultsHit: this.allFaultsHit, failing: this.records.failing, interrupted: this.interrupted };
  }
}
