/**
 * One exploration, top to bottom: check the options, start the test bed (orchestrator server, services,
 * test runner), run the fault-free execution, then run (or prune) scheduled executions until none is left
 * or a budget is used up, writing results as it goes; then triage the failing executions (triage.ts).
 * With a counterexample, run exactly its fault set once instead (and `replays` more times, unnumbered, to
 * label it deterministic or flaky).
 */
import { randomBytes } from 'node:crypto';
import { callTree } from '../results/call-tree.js';
import { buildCounterexample } from '../results/counterexample.js';
import { checkOptions, type ExplorationOptions } from './exploration-options.js';
import { Explorer } from '../search/explorer.js';
import { faultEntries } from '../results/fault-entries.js';
import { faultSetKey, type Call, type Failure, type ScheduledExecution } from '../search/model.js';
import { summariseProperties } from '../results/property-summary.js';
import { writeReports } from '../results/report/index.js';
import { ResultsWriter } from '../results/writer.js';
import type { ExecutionResult, FaultEntry, ParallelStats, RunResults, TriageReport, Verdict } from '../results/run-results.js';
import { TestSetupError } from '../runner/test-runner.js';
import { Session } from '../server/session.js';
import { injectedFailures, TestBed } from './test-bed.js';
import { runUntilDefinite } from './inconclusive-retry.js';
import { oneAtATime, ParallelRunner, type Attempted } from './parallel.js';
import { runToken } from '../server/auth.js';
import { readServicePorts, sweepInterruptedRun, writeRunState } from '../results/resume.js';
import { readJournal, replayJournal } from '../results/journal.js';
import { triage, type FailingExecution } from './triage.js';

export { withDefaults, type ExplorationOptions } from './exploration-options.js';

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


const isFailing = (v: Verdict | undefined) => v === 'fail' || v === 'crash' || v === 'hang';

export async function explore(options: ExplorationOptions): Promise<ExplorationOutcome> {
  const started = Date.now();
  const scope = checkOptions(options, started);
  const log = options.log ?? (() => {});
  const writer = new ResultsWriter(options.outputDir, options.resume);
  const runId = randomBytes(4).toString('hex');
  const bed = new TestBed(new Session((m) => log(`warning: ${m}`)));
  const explorer = new Explorer(options.catalogue, {
    dynamicReduction: options.dynamicReduction && !options.counterexample,
    strictReduction: options.strictReduction,
    order: scope.order,
    maxFaults: scope.maxFaults,
    filter: scope.filter,
  });
  const executions: ExecutionResult[] = [];
  const failing: ExplorationOutcome['failing'] = [];
  /** Triage's material: every explored execution's verdict by fault set, and the failing ones' faults. */
  const explored = new Map<string, { verdict: Verdict; counterexample?: string }>();
  const failingForTriage: FailingExecution[] = [];
  let triageReport: TriageReport | undefined;
  let replayStability: RunResults['replay_stability'];
  let parallel: ParallelRunner | undefined;
  let parallelStats: ParallelStats | undefined;
  let stopReason = 'every reachable execution was run or pruned';
  let complete = true;
  let allFaultsHit: boolean | undefined;
  let timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let number = 0;
  let replayNumber = 0;
  let interrupted = false;
  // Ctrl-C / SIGTERM: abort the execution in flight (it is not recorded), then stop everything and write
  // the results. A second signal gets Node's default behaviour.
  const onSignal = () => {
    interrupted = true;
    bed.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const counts = () => ({
    ran: explorer.ranCount,
    pruned: explorer.prunedCount,
    pending: explorer.pendingCount,
    failing: failing.length,
  });

  /**
   * An explored execution: it takes the next number. An inconclusive attempt is re-run under a fresh
   * execution id (inconclusive-retry.ts); the attempt that counts is returned.
   */
  const attempt = async (n: number, id: string, failures: readonly Failure[], prefix: readonly Call[], slot = 0, restartCrashed = true): Promise<Attempted> => {
    const { run, attempts, discarded } = await runUntilDefinite(
      (k) => bed.run(n, k === 1 ? id : `${id}-attempt-${k}`, failures, timeoutMs, prefix, slot, restartCrashed),
      scope.inconclusiveRetries,
      () => interrupted,
    );
    return { ...run, attempts, discarded };
  };
  /** A scheduled execution's run comes from the parallel runner when there is one (parallel.ts). */
  const runNumbered = async (failures: readonly Failure[], prefix: readonly Call[] = [], scheduled?: ScheduledExecution): Promise<Attempted> => {
    number++;
    const id = `${runId}-${number}`;
    const run = parallel && scheduled ? await parallel.obtain(scheduled, id) : await attempt(number, id, failures, prefix);
    if (run.discarded.length > 0) log(`execution ${number}: ${run.discarded.length} inconclusive attempt(s) re-run (${run.discarded.join(' | ')})`);
    return run;
  };
  /** `--workers N`: run executions ahead of their turn, unless something here needs them one at a time. */
  const startParallel = () => {
    if (scope.workers === 1) return;
    const stateful = bed.statefulService();
    const why = options.coverage
      ? '--coverage records each execution\'s coverage on its own'
      : stateful
        ? `service ${stateful} keeps state between executions (betweenExecutions, or "parallel": false)`
        : bed.session.messagesWithoutExecutionId > 0
          ? 'the fault-free execution sent messages without an execution id (the Python-compatible profile), which cannot be attributed while executions run at once'
          : undefined;
    if (why) {
      log(`--workers ${scope.workers}: ${why}; running one execution at a time`);
      parallelStats = oneAtATime(scope.workers, why);
      return;
    }
    parallel = new ParallelRunner({
      workers: scope.workers,
      explorer,
      session: bed.session,
      execute: (slot, id, te) => attempt(0, id, te.failures, te.prefix, slot, false),
      restartCrashed: () => bed.restartCrashed(),
      remaining: () => scope.budget.remainingAfter(number),
      aheadId: (k) => `${runId}-ahead-${k}`,
      log,
    });
    parallelStats = parallel.stats;
  };

  /** The result line of an execution that ran. */
  const ranResult = (run: Attempted, faults: FaultEntry[]): ExecutionResult => ({
    number,
    id: run.id,
    status: 'ran',
    faults,
    verdict: run.judgement.verdict,
    detail: run.judgement.detail,
    duration_ms: Math.round(run.outcome.durationMs),
    calls: run.calls.length,
    tree: callTree(run.calls),
    ...(run.entry.length > 0 ? { entry: run.entry } : {}),
    ...(run.properties.length > 0 ? { properties: run.properties } : {}),
    // Absent means one attempt; the discarded attempts' reasons say what was unreliable.
    ...(run.attempts > 1 ? { attempts: run.attempts, inconclusive_attempts: run.discarded } : {}),
  });

  const writeCounterexample = (name: string, calls: readonly Call[], failures: readonly Failure[], execution: number, verdict: Verdict, detail: string | undefined, faults: FaultEntry[]): string => {
    const path = writer.relative(writer.counterexamplePath(name));
    writer.writeJson(path, buildCounterexample(calls, failures, { version: 1, test: options.test, services_config: options.servicesConfig, execution, verdict, detail, faults: faults.map((f) => f.description) }));
    return path;
  };

  /** `fromJournal`: a resumed execution (already journaled, its counterexample already written). */
  const record = (result: ExecutionResult, calls: Call[], failures: readonly Failure[], scheduled: boolean, fromJournal = false) => {
    if (isFailing(result.verdict) && scheduled) {
      if (!fromJournal) result.counterexample = writeCounterexample(`execution-${result.number}`, calls, failures, result.number, result.verdict!, result.detail, result.faults);
      failing.push({ result, calls });
      if (scope.triage && !options.counterexample) {
        const injected = injectedFailures(failures, calls);
        const entryOf = new Map(failures.map((f, i) => [f, result.faults[i]]));
        failingForTriage.push({ number: result.number, verdict: result.verdict!, detail: result.detail, failures: injected, entries: injected.map((f) => entryOf.get(f)!), counterexample: result.counterexample });
      }
    }
    if (scope.triage && result.status === 'ran') explored.set(faultSetKey(failures), { verdict: result.verdict!, counterexample: result.counterexample });
    executions.push(result);
    if (fromJournal) return;
    writer.append(result, calls);
    options.onExecution?.(result, counts());
  };

  /** Per-execution timeout, unless given: above the longest caller timeout the fault-free execution saw. */
  const adaptTimeout = (initialCalls: readonly Call[]) => {
    if (options.timeoutMs !== undefined) return;
    const longest = Math.max(0, ...initialCalls.map((c) => Number(c.metadata.timeout) || 0));
    timeoutMs = Math.max(DEFAULT_TIMEOUT_MS, longest * 1000 + 10_000);
  };

  /** --resume: replays the journal into the explorer and the records (resume.ts); how many it held. */
  const resume = (): number => {
    const lines = readJournal(writer.journalPath, (m) => log(`warning: ${m}`));
    if (lines.length === 0) return 0;
    if (lines[0].verdict !== 'pass') {
      // The run stopped at its fault-free execution: there is no search to continue.
      log('warning: the journal holds no passing fault-free execution; starting afresh');
      writer.resetJournal();
      return 0;
    }
    replayJournal(writer.journalPath, lines, explorer, ({ line, failures, calls }) => {
      number = line.number;
      bed.session.learn(calls);
      const { explorer_calls: _calls, ...result } = line;
      record(result, calls, failures, line.status === 'ran' && line.number > 1, true);
    });
    adaptTimeout(lines[0].explorer_calls!);
    log(`resumed: ${lines.length} execution(s) from the journal are not run again`);
    return lines.length;
  };

  const stopWhy = (reason: string) => {
    complete = false;
    stopReason = reason;
  };

  let resumed = 0;
  let servicePorts: Record<string, number> | undefined;
  let token: string | undefined;
  try {
    const auth = runToken(options.host, options.token);
    token = auth.token;
    if (auth.generated) log(`the orchestrator listens on ${options.host}, beyond loopback: its clients must present the token ${token} (given to the services and the test as FILIBUSTER_TOKEN)`);
    // Before anything starts or is written: a journal that cannot be resumed leaves results.json as it was.
    resumed = options.resume ? resume() : 0;
    if (resumed > 0) servicePorts = readServicePorts(options.outputDir);
  } catch (err) {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    throw err;
  }

  try {
    // What a kill -9 of the interrupted run left running would answer in place of this run's services.
    if (options.resume) sweepInterruptedRun(options.outputDir, log);
    writeRunState(writer, bed.marker, servicePorts);
    await bed.start({ ...options, servicePorts, token, slots: options.counterexample ? 1 : scope.workers });
    writeRunState(writer, bed.marker, bed.servicePorts());

    if (options.counterexample) {
      const ce = options.counterexample;
      bed.session.learn(ce.responseLog.map((r) => ({ ei: r.execution_index, target: r.target_service_name === 'external' ? undefined : r.target_service_name, method: r.method })));
      const run = await runNumbered(ce.failures);
      const hit = new Set(run.calls.filter((c) => c.failure).map((c) => c.ei));
      allFaultsHit = ce.failures.every((f) => hit.has(f.execution_index));
      explorer.complete(number, undefined, run.calls, false);
      const first = ranResult(run, faultEntries(ce.failures, run.calls));
      record(first, run.calls, ce.failures, true);
      stopReason = 'replayed the counterexample';
      // --replays N: N more runs, not numbered (they are not executions of the search), to tell a
      // deterministic counterexample from a flaky one.
      if (scope.replays > 0) {
        replayStability = { runs: 0, reproduced: 0, stability: 'not replayed' };
        for (let i = 0; i < scope.replays && !interrupted && !scope.budget.timeUp(); i++) {
          replayNumber++;
          const again = await bed.run(0, `${runId}-replay-${replayNumber}`, ce.failures, timeoutMs);
          replayStability.runs++;
          if (isFailing(again.judgement.verdict) === isFailing(first.verdict)) replayStability.reproduced++;
        }
        replayStability.stability = replayStability.runs === 0 ? 'not replayed' : replayStability.reproduced === replayStability.runs ? 'deterministic' : 'flaky';
      }
      return finish();
    }

    // The fault-free execution (unless resumed: then the journal's).
    if (resumed === 0) {
      const initial = await runNumbered([]);
      if (interrupted) {
        stopWhy('interrupted');
        return finish();
      }
      record(ranResult(initial, []), initial.calls, [], false);
      if (initial.outcome.setupProblem) throw new TestSetupError(initial.outcome.setupProblem);
      if (initial.judgement.verdict !== 'pass') {
        const { verdict, detail } = initial.judgement;
        stopWhy(`the test fails without any fault (${verdict}${detail ? `: ${detail}` : ''}); nothing was explored`);
        return finish();
      }
      explorer.complete(number, undefined, initial.calls);
      adaptTimeout(initial.calls);
    }
    if (options.onlyInitialExecution) {
      complete = explorer.pendingCount === 0;
      stopReason = 'only the fault-free execution was asked for';
      return finish();
    }

    startParallel();
    for (;;) {
      if (interrupted) {
        stopWhy('interrupted');
        break;
      }
      const exhausted = explorer.pendingCount > 0 ? scope.budget.exhaustedAfter(number) : undefined;
      if (exhausted) {
        stopWhy(exhausted);
        break;
      }
      const step = explorer.next();
      if (!step) break;
      const te: ScheduledExecution = step.execution;
      const prefix = te.prefix;
      if (step.kind === 'pruned') {
        parallel?.discard(te.key);
        number++;
        record({ number, status: 'pruned', faults: faultEntries(te.failures, prefix) }, [], te.failures, false);
        continue;
      }
      // An interruption closes the test runners under the runs in flight: what they throw then is the
      // interruption's doing, not an error of the run.
      const run = await runNumbered(te.failures, prefix, te).catch((err: unknown) => {
        if (interrupted) return undefined;
        throw err;
      });
      if (interrupted || !run) {
        stopWhy('interrupted');
        break;
      }
      explorer.complete(number, te, run.calls);
      const result = ranResult(run, faultEntries(te.failures, run.calls.length ? run.calls : prefix));
      record(result, run.calls, te.failures, true);
      if (options.failFast && isFailing(result.verdict)) {
        complete = explorer.pendingCount === 0;
        stopReason = `--fail-fast: execution ${number} failed`;
        break;
      }
    }

    await parallel?.drain();
    if (failingForTriage.length > 0 && !interrupted) {
      triageReport = await triage(failingForTriage, {
        explored,
        replays: scope.replays,
        stop: () => (interrupted ? 'interrupted' : scope.budget.timeUp()),
        replay: async (failures) => {
          replayNumber++;
          const run = await bed.run(0, `${runId}-replay-${replayNumber}`, failures, timeoutMs);
          const verdict = run.judgement.verdict;
          const faults = faultEntries(failures, run.calls);
          const counterexample = isFailing(verdict) ? writeCounterexample(`replay-${replayNumber}`, run.calls, failures, 0, verdict, run.judgement.detail, faults) : undefined;
          return { verdict, detail: run.judgement.detail, injected: injectedFailures(failures, run.calls), counterexample };
        },
      });
      for (const g of triageReport.groups) for (const n of g.executions) executions[n - 1].group = g.id;
    }
    return finish();
  } catch (err) {
    // Keep every execution finished so far, and say why the run stopped.
    stopWhy(`stopped by an error: ${(err as Error).message}`);
    finish();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await bed.close();
  }

  function finish(): ExplorationOutcome {
    const ran = executions.filter((e) => e.status === 'ran');
    const notExplored = explorer.pendingCount;
    const scoped = explorer.beyondMaxFaults > 0 || explorer.filteredOut > 0;
    if (complete && notExplored === 0 && scoped) stopReason = 'every execution within the --max-faults bound and the fault filters was run or pruned';
    const properties = summariseProperties(executions);
    const results: RunResults = {
      schema: 'filibuster-results/1',
      test: options.test,
      started_at: new Date(started).toISOString(),
      wall_ms: Date.now() - started,
      options: {
        dynamic_reduction: options.dynamicReduction,
        strict_reduction: options.strictReduction,
        ei_compat: options.eiCompat,
        fail_fast: options.failFast,
        max_tests: options.maxTests ?? null,
        time_budget_ms: options.timeBudgetMs ?? null,
        max_faults: scope.maxFaults ?? null,
        order: scope.order,
        filters: options.filters ?? null,
        triage: scope.triage,
        replays: scope.replays,
        inconclusive_retries: scope.inconclusiveRetries,
        workers: scope.workers,
        timeout_ms: timeoutMs,
        services_config: options.servicesConfig ?? null,
      },
      counts: {
        ran: ran.length,
        pruned: executions.length - ran.length,
        passed: ran.filter((e) => e.verdict === 'pass').length,
        failed: ran.filter((e) => e.verdict === 'fail').length,
        crashed: ran.filter((e) => e.verdict === 'crash').length,
        hung: ran.filter((e) => e.verdict === 'hang').length,
        inconclusive: ran.filter((e) => e.verdict === 'inconclusive').length,
        explored: ran.length,
        not_explored: notExplored,
        beyond_max_faults: explorer.beyondMaxFaults,
        filtered_out: explorer.filteredOut,
      },
      complete: complete && notExplored === 0 && explorer.beyondMaxFaults === 0 && explorer.filteredOut === 0,
      stop_reason: stopReason,
      background_calls: bed.session.backgroundCalls,
      executions,
      ...(triageReport ? { triage: triageReport } : {}),
      ...(replayStability ? { replay_stability: replayStability } : {}),
      ...(parallelStats ? { parallel: parallelStats } : {}),
      ...(properties.length > 0 ? { properties } : {}),
    };
    const resultsPath = writer.writeJson('results.json', results);
    writeReports(writer, results);
    return { results, resultsPath, allFaultsHit, failing, interrupted };
  }
}
