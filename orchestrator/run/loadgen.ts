/**
 * Load generation (the original's `filibuster-loadgen`): run the functional test many times, `concurrency`
 * at a time, every run injecting the same fault set, and report latency percentiles and the failure rate.
 * It shows what a known fault does under load (a retry storm, load shedding answering 429), which a
 * sequential exploration cannot.
 *
 * Each run is an execution of its own (its own execution id), so concurrent runs never mix their calls.
 * Concurrency comes from `concurrency` test-module workers, each running its share one at a time.
 */
import { randomBytes } from 'node:crypto';
import type { Failure } from '../search/model.js';
import { loadServicesConfig } from '../runner/service-config.js';
import { ServiceManager } from '../runner/services.js';
import { ModuleTestRunner, SpawnTestRunner, type RunnerContext, type TestOutcome, type TestRunner } from '../runner/test-runner.js';
import { startServer } from '../server/server.js';
import { Session } from '../server/session.js';
import type { TestSpec } from '../results/counterexample.js';

export interface LoadOptions {
  test: TestSpec;
  servicesConfig?: string;
  failures: Failure[];
  concurrency: number;
  requests: number;
  /** A run that takes this long or longer counts as failed (the original's max-request-latency-for-failure). */
  maxLatencyMs?: number;
  timeoutMs: number;
  outputDir: string;
  serviceEnv?: Record<string, string>;
}

export interface LoadReport {
  issued: number;
  completed: number;
  passed: number;
  failed: number;
  failureRate: number;
  latencyMs: { p0: number; p50: number; p90: number; p95: number; p99: number; max: number };
  /** The first few failure details, for the reader. */
  failures: string[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** The runs' results as they finish, and the report they make. */
class Tally {
  private readonly latencies: number[] = [];
  private readonly failures: string[] = [];
  private passed = 0;
  private readonly maxLatencyMs: number | undefined;

  constructor(maxLatencyMs: number | undefined) {
    this.maxLatencyMs = maxLatencyMs;
  }

  add(n: number, outcome: TestOutcome): void {
    this.latencies.push(outcome.durationMs);
    const slow = this.maxLatencyMs !== undefined && outcome.durationMs >= this.maxLatencyMs;
    if (outcome.verdict === 'pass' && !slow) this.passed++;
    else if (this.failures.length < 5) this.failures.push(slow ? `run ${n} took ${Math.round(outcome.durationMs)} ms` : `run ${n}: ${outcome.verdict}${outcome.detail ? `: ${outcome.detail}` : ''}`);
  }

  report(issued: number): LoadReport {
    const latencies = this.latencies.sort((a, b) => a - b);
    const completed = latencies.length;
    const passed = this.passed;
    return {
      issued,
      completed,
      passed,
      failed: completed - passed,
      failureRate: completed ? (completed - passed) / completed : 0,
      latencyMs: {
        p0: latencies[0] ?? 0,
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies[completed - 1] ?? 0,
      },
      failures: this.failures,
    };
  }
}

function testRunner(test: TestSpec, ctx: RunnerContext): TestRunner {
  return test.kind === 'module' ? new ModuleTestRunner(test.value, ctx) : new SpawnTestRunner(test.value, ctx, test.cwd);
}

/** Each runner takes the next run number until all are issued: `concurrency` runs in flight, never more. */
async function runAll(session: Session, runners: TestRunner[], options: LoadOptions, tally: Tally): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  let next = 0;
  const worker = async (runner: TestRunner) => {
    while (next < options.requests) {
      const n = ++next;
      const id = `${runId}-load-${n}`;
      const execution = session.begin(n, id, options.failures);
      const outcome = await runner.run(id, options.timeoutMs);
      await execution.quiescent(2000);
      session.end(execution, execution.finish());
      tally.add(n, outcome);
    }
  };
  await Promise.all(runners.map(worker));
}

export async function generateLoad(options: LoadOptions): Promise<LoadReport> {
  const session = new Session();
  const server = await startServer(session, 0);
  let services: ServiceManager | undefined;
  const runners: TestRunner[] = [];
  try {
    if (options.servicesConfig) {
      services = new ServiceManager(loadServicesConfig(options.servicesConfig), {
        orchestratorUrl: server.url,
        logDir: `${options.outputDir}/logs`,
        eiCompat: false,
        env: options.serviceEnv,
      });
      await services.start();
    }
    const ctx = { orchestratorUrl: server.url, services: services?.endpoints() ?? {} };
    for (let i = 0; i < options.concurrency; i++) runners.push(testRunner(options.test, ctx));
    const tally = new Tally(options.maxLatencyMs);
    await runAll(session, runners, options, tally);
    return tally.report(options.requests);
  } finally {
    await Promise.all(runners.map((r) => r.close()));
    await services?.stop();
    await server.close();
  }
}
