/**
 * What an exploration is asked to do (the options of `explore()`, which the CLI flags map onto), the
 * CLI's defaults, and the checks that turn a bad value into a clear usage error before anything starts.
 */
import type { IdentityMode, IdentityRules } from '../../instrumentation/protocol.js';
import { recordIdentity } from '../results/identity-record.js';
import { Budget, positiveInteger } from '../search/budget.js';
import { FaultCatalogue } from '../catalogue/catalogue.js';
import { parseConditions, type ConditionName } from '../catalogue/conditions.js';
import type { LoadedCounterexample, TestSpec } from '../results/counterexample.js';
import { FaultFilter, type FaultFilterSpec } from '../search/filters.js';
import { EXPLORATION_ORDERS, type ExplorationOrder } from '../search/frontier.js';
import type { ShardSpec } from '../search/shard.js';
import { DEFAULT_INCONCLUSIVE_RETRIES } from './inconclusive-retry.js';
import { InvalidOptionError } from '../option-error.js';
import type { ExecutionResult } from '../results/run-results.js';
import type { TestFunction } from '../runner/in-process-runner.js';

export type Profile = 'node' | 'python';
export const PROFILES: readonly Profile[] = ['node', 'python'];

export interface ExplorationOptions {
  test: TestSpec;
  /** With `test.kind: 'function'`: the test itself, called in this process once per execution. */
  testFunction?: TestFunction;
  servicesConfig?: string;
  catalogue: FaultCatalogue;
  /**
   * Network conditions switched on on top of the catalogue (`--conditions`: conditions.ts names them,
   * e.g. ['blackhole', 'latency'], or ['all']). Not for the corpus, whose counts use its own catalogues.
   */
  conditions?: readonly string[];
  counterexample?: LoadedCounterexample;
  onlyInitialExecution: boolean;
  dynamicReduction: boolean;
  strictReduction: boolean;
  eiCompat: boolean;
  failFast: boolean;
  /**
   * A black hole, or a latency past the caller's visible timeout, waits that timeout in real time
   * (`--real-time-conditions`). Default: the visible timeout fires as soon as waiting can change nothing
   * but the clock (protocol.ts `real_time`).
   */
  realTimeConditions?: boolean;
  /** Bound on executions, the fault-free and pruned ones included (the original's NUM_TESTS); triage replays excluded. */
  maxTests?: number;
  /**
   * Bound on wall time (ms) from the start; the execution in flight finishes. Shared with triage
   * (budget.ts). Default: none, except a user's run (`userDefaults`).
   */
  timeBudgetMs?: number;
  /**
   * The defaults of a user's run (the CLI's `run`, `filibusterTest`): on the node profile, `order`
   * defaults to 'by-size' and, in that order, `timeBudgetMs` to DEFAULT_TIME_BUDGET_MS (unless
   * `exhaustive`); a run that turns out to drive Python services goes back to depth-first without a default
   * budget. Off (as `explore()` has it unless told): order 'dfs' and no time budget unless given.
   * A counterexample replay ignores it.
   */
  userDefaults?: boolean;
  /** No default time budget: explore everything reachable. Refused with `timeBudgetMs`. */
  exhaustive?: boolean;
  /** Largest fault set scheduled (1 = the Java version's "suppress combinations"); larger ones are never generated. */
  maxFaults?: number;
  /**
   * 'dfs' (the original's) or 'by-size' (single faults first, then pairs, ...). Default: 'dfs', or with
   * `userDefaults` on the node profile 'by-size'.
   */
  order?: ExplorationOrder;
  /**
   * 'node' (default): the call identity of real deployments, with a calibration before the search
   * (calibration.ts). 'python': the original's protocol, identity and search, one execution at a time,
   * as the original Python services need; a run that meets a message without an execution id switches
   * to it by itself. The corpus pins it, so its counts are the published ones.
   */
  profile?: Profile;
  /**
   * The call identity (DESIGN §13): 'templated' (port-free, by service name, values that change made
   * slots) or 'original' (the original's). Default: 'original' with the Python profile or an explicit
   * `order: 'dfs'` (the corpus pins both), else 'templated'.
   */
  identity?: IdentityMode;
  /** Which faults may be injected (filters.ts); filtered-out faults are never scheduled. */
  filters?: FaultFilterSpec;
  /** Reduce each failing execution to a minimal fault set and group failures by it (default on). */
  triage?: boolean;
  /**
   * Fresh replays of each failure group's minimal set, to label it deterministic or flaky (default 1).
   * With a counterexample: how many more times to run it after the first (default 0).
   */
  replays?: number;
  /** Re-runs of an inconclusive execution before it is reported inconclusive (default 2; inconclusive-retry.ts). */
  inconclusiveRetries?: number;
  /** Token required of the orchestrator's clients; generated when `host` is not loopback (auth.ts). */
  token?: string;
  /** Continue the interrupted run whose journal is in outputDir, without re-running what it finished (resume.ts). */
  resume?: boolean;
  /** Per-execution timeout; undefined = above the longest caller timeout seen in the fault-free run. */
  timeoutMs?: number;
  port: number;
  host: string;
  outputDir: string;
  /** Extra environment for the services (e.g. a bug switch). */
  serviceEnv?: Record<string, string>;
  /**
   * Standalone traces (`console`, `file=PATH` or `otlp=URL`): the services and the test record OpenTelemetry
   * spans, each execution one trace rooted in the test, its id in results.json (otel-standalone.ts).
   */
  traces?: string;
  /** With `traces`: a URL template for an execution's trace in a trace viewer, `{traceId}` replaced (e.g. a Jaeger UI). */
  traceUrl?: string;
  /**
   * V8 coverage of every runner-started instrumented service, one slice per execution, reported at the
   * end (coverage/ in the output directory: fault-free vs all, and the lines only faults reached).
   */
  coverage?: boolean;
  /**
   * Executions run at once against the same services (default 1). Results are committed in the order one
   * worker would produce them, so counts and executed fault sets do not depend on it (parallel.ts).
   */
  workers?: number;
  /**
   * `--shard i/n`: run the whole search but report only the fault sets this shard owns (search/shard.ts);
   * `filibuster merge` puts the shards back together. Refused with a counterexample, --resume,
   * --fail-fast and --coverage (shard-run.ts says why).
   */
  shard?: ShardSpec;
  /** Progress: called once per execution. */
  onExecution?: (result: ExecutionResult, state: { ran: number; pruned: number; pending: number; failing: number }) => void;
  log?: (message: string) => void;
}

/**
 * The default time budget of a user's run in by-size order: long enough for the single faults of a
 * typical application (tens of calls, a few hundred executions), short enough that a first run ends with
 * a report instead of exploring combinations for hours. `--exhaustive` lifts it, `--time-budget` sets it.
 */
export const DEFAULT_TIME_BUDGET_MS = 10 * 60_000;

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

/** The checked scope of a run. */
export interface Scope {
  budget: Budget;
  order: ExplorationOrder;
  /** Whether the order and the time budget were given or are the run's defaults (a Python switch drops the defaults). */
  orderSource: 'given' | 'default';
  budgetSource: 'given' | 'default' | 'none';
  profile: Profile;
  identity: IdentityMode;
  maxFaults?: number;
  filter: FaultFilter;
  triage: boolean;
  replays: number;
  inconclusiveRetries: number;
  workers: number;
  /** The network conditions switched on, checked and in their canonical order. */
  conditions: ConditionName[];
}

export function checkOptions(options: ExplorationOptions, startedAt: number): Scope {
  const profile = options.profile ?? 'node';
  if (!PROFILES.includes(profile)) throw new InvalidOptionError(`--profile must be one of ${PROFILES.join(', ')} (got ${JSON.stringify(profile)})`);
  const user = options.userDefaults === true && !options.counterexample;
  const order = options.order ?? (user && profile === 'node' ? 'by-size' : 'dfs');
  if (!EXPLORATION_ORDERS.includes(order)) throw new InvalidOptionError(`--order must be one of ${EXPLORATION_ORDERS.join(', ')} (got ${JSON.stringify(order)})`);
  const replays = options.replays ?? (options.counterexample ? 0 : 1);
  if (!Number.isInteger(replays) || replays < 0) throw new InvalidOptionError(`--replays must be a whole number of at least 0 (got ${JSON.stringify(replays)})`);
  if (options.resume && options.counterexample) throw new InvalidOptionError('--resume continues an exploration; it cannot be combined with --counterexample-file');
  const inconclusiveRetries = options.inconclusiveRetries ?? DEFAULT_INCONCLUSIVE_RETRIES;
  if (!Number.isInteger(inconclusiveRetries) || inconclusiveRetries < 0) {
    throw new InvalidOptionError(`--inconclusive-retries must be a whole number of at least 0 (got ${JSON.stringify(inconclusiveRetries)})`);
  }
  const workers = options.workers === undefined ? 1 : positiveInteger('--workers', options.workers);
  if (profile === 'python' && workers > 1) throw new InvalidOptionError('--profile python runs one execution at a time (the original services cannot tell executions apart): drop --workers');
  const identity = options.identity ?? (profile === 'python' || options.order === 'dfs' ? 'original' : 'templated');
  if (identity !== 'original' && identity !== 'templated') throw new InvalidOptionError(`identity must be "original" or "templated" (got ${JSON.stringify(identity)})`);
  if (options.exhaustive && options.timeBudgetMs !== undefined) {
    throw new InvalidOptionError('--exhaustive explores everything reachable, without a time budget: it cannot be combined with --time-budget (give one of them)');
  }
  const defaultBudget = user && profile === 'node' && order === 'by-size' && options.timeBudgetMs === undefined && !options.exhaustive;
  const timeBudgetMs = defaultBudget ? DEFAULT_TIME_BUDGET_MS : options.timeBudgetMs;
  return {
    workers,
    profile,
    identity,
    conditions: options.conditions?.length ? parseConditions(options.conditions) : [],
    budget: new Budget({ maxTests: options.maxTests, timeBudgetMs, timeSource: defaultBudget ? 'default' : 'given' }, startedAt),
    order,
    orderSource: options.order === undefined ? 'default' : 'given',
    budgetSource: defaultBudget ? 'default' : timeBudgetMs === undefined ? 'none' : 'given',
    maxFaults: options.maxFaults === undefined ? undefined : positiveInteger('--max-faults', options.maxFaults),
    filter: new FaultFilter(options.filters),
    triage: options.triage ?? true,
    replays,
    inconclusiveRetries,
  };
}

/**
 * The scope of a run that turned out to drive Python services (calibration.ts): the Python profile's
 * depth-first order and no time budget, where they were only defaults; given ones stay. Also what changed,
 * in words, for the log line that announces the switch.
 */
export function pythonScope(scope: Scope): { scope: Scope; changed: string[] } {
  const changed: string[] = [];
  let { order, budget, budgetSource } = scope;
  if (scope.orderSource === 'default' && order !== 'dfs') {
    order = 'dfs';
    changed.push('depth-first order');
  }
  if (budgetSource === 'default') {
    budget = budget.withoutTime();
    budgetSource = 'none';
    changed.push('no default time budget');
  }
  return { scope: { ...scope, profile: 'python', order, budget, budgetSource }, changed };
}

/** The options as results.json records them, with what the run settled (its timeout, profile and identity). */
export function recordedOptions(options: ExplorationOptions, scope: Scope, settled: { timeoutMs: number; profile: Profile; identity: IdentityRules }): Record<string, unknown> {
  return {
    dynamic_reduction: options.dynamicReduction,
    strict_reduction: options.strictReduction,
    real_time_conditions: options.realTimeConditions ?? false,
    ei_compat: options.eiCompat,
    fail_fast: options.failFast,
    max_tests: options.maxTests ?? null,
    time_budget_ms: scope.budget.timeMs ?? null,
    exhaustive: options.exhaustive ?? false,
    max_faults: scope.maxFaults ?? null,
    order: scope.order,
    filters: options.filters ?? null,
    conditions: scope.conditions,
    triage: scope.triage,
    replays: scope.replays,
    inconclusive_retries: scope.inconclusiveRetries,
    workers: scope.workers,
    timeout_ms: settled.timeoutMs,
    services_config: options.servicesConfig ?? null,
    profile: settled.profile,
    identity: recordIdentity(settled.identity),
  };
}
