/**
 * One exploration, top to bottom: start the orchestrator server and the services, run the fault-free
 * execution, then run (or prune) scheduled executions until none is left, writing results as it goes.
 * With a counterexample, run exactly its fault set once instead.
 */
import { randomBytes } from 'node:crypto';
import { FaultCatalogue } from './catalogue.js';
import { buildCounterexample, type LoadedCounterexample, type TestSpec } from './counterexample.js';
import { callTree } from './call-tree.js';
import type { EntryResponse } from './execution.js';
import { Explorer } from './explorer.js';
import { describeFailure, type Call, type Failure, type ScheduledExecution } from './model.js';
import { writeReports } from './report/index.js';
import { ResultsWriter, type ExecutionResult, type FaultEntry, type RunResults } from './results.js';
import { loadServicesConfig } from './runner/service-config.js';
import { ServiceManager, type ServiceEndpoint } from './runner/services.js';
import { ModuleTestRunner, SpawnTestRunner, TestSetupError, type TestOutcome, type TestRunner } from './runner/test-runner.js';
import { startServer, type OrchestratorServer } from './server.js';
import { Session } from './session.js';
import { judge, type Judgement } from './verdict.js';

export interface ExplorationOptions {
  test: TestSpec;
  servicesConfig?: string;
  catalogue: FaultCatalogue;
  counterexample?: LoadedCounterexample;
  onlyInitialExecution: boolean;
  dynamicReduction: boolean;
  strictReduction: boolean;
  eiCompat: boolean;
  failFast: boolean;
  /** Bound on executions, the fault-free and pruned ones included (the original's NUM_TESTS). */
  maxTests?: number;
  /** Per-execution timeout; undefined = above the longest caller timeout seen in the fault-free run. */
  timeoutMs?: number;
  port: number;
  host: string;
  outputDir: string;
  /** Extra environment for the services (e.g. a bug switch). */
  serviceEnv?: Record<string, string>;
  /** Progress: called once per execution. */
  onExecution?: (result: ExecutionResult, state: { ran: number; pruned: number; pending: number; failing: number }) => void;
  log?: (message: string) => void;
}

/** A run's options with the CLI's defaults filled in (default catalogue, dynamic reduction, any free port). */
export function withDefaults(options: Partial<ExplorationOptions> & Pick<ExplorationOptions, 'test' | 'outputDir'>): ExplorationOptions {
  return {
    catalogue: FaultCatalogue.default(),
    onlyInitialExecution: false,
    dynamicReduction: true,
    strictReduction: false,
    eiCompat: false,
    failFast: false,
    port: 0,
    host: '127.0.0.1',
    ...options,
  };
}

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
const SETTLE_GRACE_MS = 2_000;

function faultEntries(failures: readonly Failure[], calls: readonly Call[]): FaultEntry[] {
  const byEi = new Map(calls.map((c) => [c.ei, c]));
  return failures.map((f) => ({
    description: describeFailure(f, byEi.get(f.execution_index)),
    execution_index: f.execution_index,
    ...(f.forced_exception ? { forced_exception: f.forced_exception } : {}),
    ...(f.failure_metadata ? { failure_metadata: f.failure_metadata } : {}),
  }));
}

export async function explore(options: ExplorationOptions): Promise<ExplorationOutcome> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const writer = new ResultsWriter(options.outputDir);
  const runId = randomBytes(4).toString('hex');
  const session = new Session((m) => log(`warning: ${m}`));
  const explorer = new Explorer(options.catalogue, {
    dynamicReduction: options.dynamicReduction && !options.counterexample,
    strictReduction: options.strictReduction,
  });
  const executions: ExecutionResult[] = [];
  const failing: ExplorationOutcome['failing'] = [];
  let server: OrchestratorServer | undefined;
  let services: ServiceManager | undefined;
  let runner: TestRunner | undefined;
  let stopReason = 'every reachable execution was run or pruned';
  let complete = true;
  let allFaultsHit: boolean | undefined;
  let timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let number = 0;
  let interrupted = false;
  // Ctrl-C / SIGTERM: abort the execution in flight (it is not recorded), then stop everything and write
  // the results. A second signal gets Node's default behaviour.
  const onSignal = () => {
    interrupted = true;
    void runner?.close();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const counts = () => ({
    ran: explorer.ranCount,
    pruned: explorer.prunedCount,
    pending: explorer.pendingCount,
    failing: failing.length,
  });

  try {
    server = await startServer(session, options.port, options.host);
    let endpoints: Record<string, ServiceEndpoint> = {};
    if (options.servicesConfig) {
      services = new ServiceManager(loadServicesConfig(options.servicesConfig), {
        orchestratorUrl: server.url,
        logDir: `${options.outputDir}/logs`,
        eiCompat: options.eiCompat,
        env: options.serviceEnv,
      });
      await services.start();
      endpoints = services.endpoints();
    }
    const ctx = { orchestratorUrl: server.url, services: endpoints };
    runner = options.test.kind === 'module' ? new ModuleTestRunner(options.test.value, ctx) : new SpawnTestRunner(options.test.value, ctx);

    interface Run {
      id: string;
      outcome: TestOutcome;
      calls: Call[];
      judgement: Judgement;
      entry: EntryResponse[];
    }
    const runOnce = async (failures: readonly Failure[], prefix: readonly Call[] = []): Promise<Run> => {
      await services?.beforeExecution();
      number++;
      const id = `${runId}-${number}`;
      const execution = session.begin(number, id, failures);
      const outcome = await runner!.run(id, timeoutMs);
      let quiet = await execution.quiescent(SETTLE_GRACE_MS);
      await new Promise((r) => setImmediate(r)); // let messages already on the wire land
      if (quiet && execution.pending > 0) quiet = await execution.quiescent(SETTLE_GRACE_MS);
      const calls = execution.finish();
      session.end(execution, calls);
      const crashed = services?.crashed() ?? [];
      const judgement = judge({ outcome, execution, calls, prefix, quiet, graceMs: SETTLE_GRACE_MS, crashed });
      for (const c of crashed) await services!.restart(c.name);
      return { id, outcome, calls, judgement, entry: [...execution.entryResponses] };
    };

    /** The result line of an execution that ran. */
    const ranResult = (run: Run, faults: FaultEntry[]): ExecutionResult => ({
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
    });

    const record = (result: ExecutionResult, calls: Call[], failures: readonly Failure[], scheduled: boolean) => {
      if (result.verdict && result.verdict !== 'pass' && result.verdict !== 'inconclusive' && scheduled) {
        const path = writer.counterexamplePath(result.number);
        writer.writeJson(
          writer.relative(path),
          buildCounterexample(calls, failures, {
            version: 1,
            test: options.test,
            services_config: options.servicesConfig,
            execution: result.number,
            verdict: result.verdict,
            detail: result.detail,
            faults: result.faults.map((f) => f.description),
          }),
        );
        result.counterexample = writer.relative(path);
        failing.push({ result, calls });
      }
      executions.push(result);
      writer.append(result);
      options.onExecution?.(result, counts());
    };

    if (options.counterexample) {
      const ce = options.counterexample;
      session.learn(ce.responseLog.map((r) => ({ ei: r.execution_index, target: r.target_service_name === 'external' ? undefined : r.target_service_name, method: r.method })));
      const run = await runOnce(ce.failures);
      const hit = new Set(run.calls.filter((c) => c.failure).map((c) => c.ei));
      allFaultsHit = ce.failures.every((f) => hit.has(f.execution_index));
      explorer.complete(number, undefined, run.calls, false);
      record(ranResult(run, faultEntries(ce.failures, run.calls)), run.calls, ce.failures, true);
      stopReason = 'replayed the counterexample';
      return finish();
    }

    // The fault-free execution.
    const initial = await runOnce([]);
    if (interrupted) {
      complete = false;
      stopReason = 'interrupted';
      return finish();
    }
    record(ranResult(initial, []), initial.calls, [], false);
    if (initial.outcome.setupProblem) throw new TestSetupError(initial.outcome.setupProblem);
    if (initial.judgement.verdict !== 'pass') {
      const { verdict, detail } = initial.judgement;
      complete = false;
      stopReason = `the test fails without any fault (${verdict}${detail ? `: ${detail}` : ''}); nothing was explored`;
      return finish();
    }
    explorer.complete(number, undefined, initial.calls);
    if (options.timeoutMs === undefined) {
      const longest = Math.max(0, ...initial.calls.map((c) => Number(c.metadata.timeout) || 0));
      timeoutMs = Math.max(DEFAULT_TIMEOUT_MS, longest * 1000 + 10_000);
    }
    if (options.onlyInitialExecution) {
      complete = explorer.pendingCount === 0;
      stopReason = 'only the fault-free execution was asked for';
      return finish();
    }

    for (;;) {
      if (interrupted) {
        complete = false;
        stopReason = 'interrupted';
        break;
      }
      if (options.maxTests !== undefined && number >= options.maxTests) {
        complete = explorer.pendingCount === 0;
        stopReason = `--max-tests ${options.maxTests} reached`;
        break;
      }
      const step = explorer.next();
      if (!step) break;
      const te: ScheduledExecution = step.execution;
      const prefix = te.prefix;
      if (step.kind === 'pruned') {
        number++;
        record({ number, status: 'pruned', faults: faultEntries(te.failures, prefix) }, [], te.failures, false);
        continue;
      }
      const run = await runOnce(te.failures, prefix);
      if (interrupted) {
        complete = false;
        stopReason = 'interrupted';
        break;
      }
      explorer.complete(number, te, run.calls);
      const result = ranResult(run, faultEntries(te.failures, run.calls.length ? run.calls : prefix));
      record(result, run.calls, te.failures, true);
      if (options.failFast && result.verdict !== 'pass' && result.verdict !== 'inconclusive') {
        complete = explorer.pendingCount === 0;
        stopReason = `--fail-fast: execution ${number} failed`;
        break;
      }
    }
    return finish();
  } catch (err) {
    // Keep every execution finished so far, and say why the run stopped.
    complete = false;
    stopReason = `stopped by an error: ${(err as Error).message}`;
    finish();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await runner?.close();
    await services?.stop();
    await server?.close();
  }

  function finish(): ExplorationOutcome {
    const ran = executions.filter((e) => e.status === 'ran');
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
        not_explored: explorer.pendingCount,
      },
      complete: complete && explorer.pendingCount === 0,
      stop_reason: stopReason,
      background_calls: session.backgroundCalls,
      executions,
    };
    const resultsPath = writer.writeJson('results.json', results);
    writeReports(writer, results);
    return { results, resultsPath, allFaultsHit, failing, interrupted };
  }
}
