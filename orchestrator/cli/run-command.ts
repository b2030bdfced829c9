/**
 * `filibuster run` (the default command): options, exploration, summary, exit code.
 *
 * Exit codes: 0 every execution passed; 1 failures found (a failing, crashing, hanging or leaking
 * execution, including the fault-free one: a confirmed leak is a finding, not a tool problem); 2 usage error (bad flags or input files, a test that cannot be started);
 * 3 infrastructure error (a service that never became healthy, the port in use), or inconclusive
 * executions that could not be judged; 130 interrupted (Ctrl-C), after writing the results.
 */
import { differentApplication } from '../run/replay-check.js';
import { coverageReport, coverageText } from '../results/coverage/coverage-report.js';
import { join } from 'node:path';
import { parseDuration } from '../search/budget.js';
import { catalogueForRun } from './derived-catalogue.js';
import { CatalogueError, FaultCatalogue } from '../catalogue/catalogue.js';
import { parseConditions } from '../catalogue/conditions.js';
import { CounterexampleError, readCounterexample, type LoadedCounterexample, type TestSpec } from '../results/counterexample.js';
import { explore, type ExplorationOutcome } from '../run/exploration.js';
import type { FaultFilterSpec } from '../search/filters.js';
import type { ShardSpec } from '../search/shard.js';
import type { ExplorationOrder } from '../search/frontier.js';
import type { Profile } from '../run/exploration-options.js';
import { InvalidOptionError } from '../option-error.js';
import { ConfigError, loadServicesConfig } from '../runner/service-config.js';
import { ServiceError } from '../runner/services.js';
import { ListenError } from '../server/server.js';
import { TestSetupError } from '../runner/test-runner.js';
import { cliInvocation, replayCommand } from '../replay-command.js';
import { replaySettings, type ReplaySettings } from './replay-args.js';
import { createReporter, summary } from './reporter.js';

/** The original's orchestrator port (its Python instrumentation hard-codes it). */
export const RUN_PORT = 5005;

export const EXIT = { ok: 0, failures: 1, usage: 2, infrastructure: 3, interrupted: 130 } as const;

export interface RunArgs {
  functionalTest?: string;
  testModule?: string;
  services?: string;
  analysisFile?: string;
  /** False with --no-analysis: the built-in catalogue instead of one derived from the services' source. */
  analysis?: boolean;
  /** `--conditions`: "all" or a comma-separated list (catalogue/conditions.ts). */
  conditions?: string;
  counterexampleFile?: string;
  onlyInitialExecution: boolean;
  disableDynamicReduction: boolean;
  strictReduction: boolean;
  /** `--real-time-conditions`. */
  realTimeConditions?: boolean;
  eiCompat: boolean;
  maxTests?: number;
  maxFaults?: number;
  /** Executions at once (parallel.ts). */
  workers?: number;
  /** As given: "90s", "5m", ... */
  timeBudget?: string;
  /** No default time budget. */
  exhaustive?: boolean;
  order?: ExplorationOrder;
  profile?: Profile;
  filters?: FaultFilterSpec;
  triage?: boolean;
  replays?: number;
  inconclusiveRetries?: number;
  resume?: boolean;
  timeout?: number;
  /** `--port`; undefined when not given (a run's default is RUN_PORT, a replay's the recorded one). */
  port?: number;
  host: string;
  token?: string;
  failFast: boolean;
  outputDir: string;
  verbose: boolean;
  serviceEnv?: Record<string, string>;
  coverage?: boolean;
  /** --traces console|file=PATH|otlp=URL (checked by the CLI). */
  traces?: string;
  /** --trace-url TEMPLATE ({traceId} replaced). */
  traceUrl?: string;
  /** `--shard i/n` (search/shard.ts). */
  shard?: ShardSpec;
}

export class UsageError extends Error {}

export function exitCodeOf(outcome: ExplorationOutcome): number {
  const c = outcome.results.counts;
  if (outcome.interrupted) return EXIT.interrupted;
  if (c.failed + c.crashed + c.hung + c.leaked > 0) return EXIT.failures;
  if (outcome.results.properties?.some((p) => !p.satisfied)) return EXIT.failures;
  if (c.inconclusive + c.not_reproduced > 0) return EXIT.infrastructure;
  return EXIT.ok;
}

/** The test the flags name, if any. */
function flagTest(args: RunArgs): TestSpec | undefined {
  if (args.functionalTest && args.testModule) throw new UsageError('give --functional-test or --test-module, not both');
  if (args.functionalTest) return { kind: 'command', value: args.functionalTest };
  if (args.testModule) return { kind: 'module', value: args.testModule };
  return undefined;
}

function checkReplayable(test: TestSpec | undefined): TestSpec {
  if (test?.kind === 'function') {
    throw new UsageError(`the counterexample comes from the in-process test "${test.value}" (filibusterTest): replay it from that test with its \`replay\` option, or give --test-module`);
  }
  if (!test) throw new UsageError('no functional test: give --functional-test CMD or --test-module path[#export]');
  return test;
}

/** The command that replays a counterexample (../replay-command.ts: report.html shows the same). */
export { replayCommand };

/** What the run needs beyond the flags: from a counterexample when replaying one (replay-args.ts). */
function runSettings(args: RunArgs, counterexample: LoadedCounterexample | undefined): ReplaySettings & { test: TestSpec } {
  if (!counterexample) {
    const catalogue = catalogueForRun({ ...args, servicesConfig: args.services }, (line) => process.stderr.write(`${line}\n`));
    const test = checkReplayable(flagTest(args));
    const conditions = args.conditions !== undefined ? parseConditions(args.conditions) : undefined;
    return { test, servicesConfig: args.services, serviceEnv: args.serviceEnv, catalogue, conditions, eiCompat: args.eiCompat, port: args.port ?? RUN_PORT, host: args.host, timeoutSeconds: args.timeout };
  }
  const settings = replaySettings(args, counterexample, flagTest(args), (line) => process.stderr.write(`warning: ${line}\n`));
  const test = checkReplayable(settings.test);
  if (settings.servicesConfig) {
    const different = differentApplication(counterexample, loadServicesConfig(settings.servicesConfig), settings.servicesConfig);
    if (different) throw new UsageError(`${args.counterexampleFile}: ${different}`);
  }
  return { ...settings, test };
}

/** Runs an exploration from CLI arguments; returns the outcome and the exit code. Throws UsageError etc. */
export async function runExploration(args: RunArgs, out: NodeJS.WriteStream = process.stdout): Promise<{ outcome: ExplorationOutcome; exitCode: number }> {
  const counterexample = args.counterexampleFile ? readCounterexample(args.counterexampleFile) : undefined;
  const { test, servicesConfig, serviceEnv, catalogue, conditions, eiCompat, port, host, timeoutSeconds } = runSettings(args, counterexample);
  const reporter = createReporter(process.stderr, args.verbose);
  const outcome = await explore({
    test,
    servicesConfig,
    catalogue,
    conditions,
    counterexample,
    onlyInitialExecution: args.onlyInitialExecution,
    dynamicReduction: !args.disableDynamicReduction,
    strictReduction: args.strictReduction,
    realTimeConditions: args.realTimeConditions,
    eiCompat,
    failFast: args.failFast,
    maxTests: args.maxTests,
    maxFaults: args.maxFaults,
    workers: args.workers,
    timeBudgetMs: args.timeBudget !== undefined ? parseDuration(args.timeBudget) : undefined,
    // A user's run: by-size order and a default time budget unless told otherwise (exploration-options.ts).
    userDefaults: true,
    exhaustive: args.exhaustive,
    order: args.order,
    profile: args.profile,
    filters: args.filters,
    triage: args.triage,
    replays: args.replays,
    inconclusiveRetries: args.inconclusiveRetries,
    resume: args.resume,
    timeoutMs: timeoutSeconds !== undefined ? timeoutSeconds * 1000 : undefined,
    port,
    host,
    token: args.token,
    outputDir: args.outputDir,
    serviceEnv,
    coverage: args.coverage,
    traces: args.traces,
    traceUrl: args.traceUrl,
    shard: args.shard,
    onExecution: (r, s) => reporter.execution(r, s),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  reporter.done();
  out.write(summary(outcome, (ce) => replayCommand(join(args.outputDir, ce))) + '\n');
  const shard = outcome.results.shard;
  if (shard) out.write(`Shard ${shard.index}/${shard.count}: reported its ${shard.own} own fault set(s); ran ${shard.discovery} of the other shards' only to discover its own, skipped ${shard.skipped}. Merge every shard's output directory: ${cliInvocation()} merge DIR...\n`);
  if (args.coverage) out.write(coverageText(await coverageReport(args.outputDir, outcome.results)) + '\n');
  return { outcome, exitCode: exitCodeOf(outcome) };
}

/** Maps an error to its message and exit code. */
export function classifyError(err: unknown): { message: string; exitCode: number } {
  const message = (err as Error)?.message ?? String(err);
  if (err instanceof UsageError || err instanceof InvalidOptionError || err instanceof CatalogueError || err instanceof ConfigError || err instanceof CounterexampleError || err instanceof TestSetupError) {
    return { message, exitCode: EXIT.usage };
  }
  if (err instanceof ServiceError || err instanceof ListenError) return { message, exitCode: EXIT.infrastructure };
  return { message: `internal error: ${(err as Error)?.stack ?? message}`, exitCode: EXIT.infrastructure };
}
