/**
 * The test bed: what every execution needs (the orchestrator server and its session, the services, the
 * test runner), started once per exploration, and one execution run on it: begin the execution in the
 * session, run the test, wait for its calls to settle, judge it, restart crashed services.
 *
 * Calls still open when an execution is judged do not disturb the next one: the execution is ended in the
 * session first, so whatever a leaked call reports later carries that ended execution's id (or, from a
 * client that sends none, a generated id no later execution holds) and is ignored as late.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EntryResponse, Execution, PropertyTally } from '../server/execution.js';
import type { Call, Failure } from '../search/model.js';
import { TOKEN_ENV } from '../server/auth.js';
import { NETWORK_FAULTS, ORIGINAL_RULES, traceIdOf, type IdentityMode, type IdentityRules } from '../../instrumentation/protocol.js';
import { loadServicesConfig, type ServicesConfig } from '../runner/service-config.js';
import { ServiceManager, type ServiceEndpoint } from '../runner/services.js';
import type { ExecutionLogs } from '../runner/log-window.js';
import { InProcessTestRunner, type TestFunction } from '../runner/in-process-runner.js';
import { ModuleTestRunner, SpawnTestRunner, TestSetupError, type TestOutcome, type TestRunner } from '../runner/test-runner.js';
import { newRunMarker, sweepMarked } from '../runner/run-marker.js';
import { startServer, type OrchestratorServer } from '../server/server.js';
import { Session } from '../server/session.js';
import type { TestSpec } from '../results/counterexample.js';
import { judge, type Judgement } from './verdict.js';
import { TimeoutsSeen } from './open-calls.js';

export interface Run {
  id: string;
  outcome: TestOutcome;
  calls: Call[];
  judgement: Judgement;
  /** The responses entry services sent to the test. */
  entry: EntryResponse[];
  /** Services found exited when the execution ended (restarted by `run` unless told not to). */
  crashed: string[];
  /** The sometimes/always/unreachable properties evaluated during the execution. */
  properties: PropertyTally[];
  /** What the services wrote while it ran (runner-started ones), and what a reader must know about it. */
  logs: { services: Record<string, string>; note?: string };
  /** The execution's trace (--traces), and its URL in a trace viewer (--trace-url). */
  traceId?: string;
  traceUrl?: string;
}

export interface TestBedOptions {
  test: TestSpec;
  /** V8 coverage of the services, one slice per execution under `<outputDir>/coverage/` (report/coverage.ts). */
  coverage?: boolean;
  testFunction?: TestFunction;
  servicesConfig?: string;
  port: number;
  host: string;
  outputDir: string;
  eiCompat: boolean;
  serviceEnv?: Record<string, string>;
  /** Standalone traces (exploration-options.ts): given to the services and the test as FILIBUSTER_TRACES. */
  traces?: string;
  /** The trace viewer's URL template (exploration-options.ts). */
  traceUrl?: string;
  /** Required of every request when set (a host beyond loopback: auth.ts); given to services and the test. */
  token?: string;
  /** Service ports to reuse (a resumed run: resume.ts). */
  servicePorts?: Record<string, number>;
  /** Test runners to start, one per execution that may run at once (parallel.ts); default 1. */
  slots?: number;
  /**
   * The identity rules the services start with: a mode (with the services config's templates and ignored
   * query parameters), or rules in full (a resumed run's, a counterexample's).
   */
  identity?: IdentityMode | IdentityRules;
  warn?: (message: string) => void;
}

export const SETTLE_GRACE_MS = 2_000;
/** Past the bound, time for the black-holed call to be seen open past it. */
const BLACK_HOLE_SLACK_MS = 250;
/** A failing execution's log lines end when the services have been silent this long (a line logged after the answer arrives late)... */
const LOG_QUIET_MS = 50;
/** ...or after this long in all: a service that logs all the time (a heartbeat) must not hold the run. */
const LOG_WAIT_MAX_MS = 500;

/**
 * How long an execution's calls may take to complete after the test ended: the grace, plus the longest
 * latency planned for it. A delayed call whose answer the test does not wait for (a fire-and-forget
 * publish) is still open when the test ends, for as long as its delay; cut off earlier, it would be
 * judged left open (inconclusive), and what it does when the delay ends (its caller's timeout firing, a
 * crash) would land in whichever execution runs next.
 */
export function settleGraceMs(failures: readonly Failure[]): number {
  let delay = 0;
  for (const f of failures) {
    const ms = f.forced_exception?.name === NETWORK_FAULTS.latency ? Number(f.forced_exception.metadata?.delay_ms) : 0;
    if (Number.isFinite(ms) && ms > delay) delay = ms;
  }
  return SETTLE_GRACE_MS + delay;
}

function initialRules(identity: IdentityMode | IdentityRules, config: ServicesConfig): IdentityRules {
  if (typeof identity !== 'string') return identity;
  return { mode: identity, templates: config.pathTemplates, ignoredQuery: config.ignoredQueryParams, slottedQuery: [] };
}

function runnerFor(options: TestBedOptions, ctx: { orchestratorUrl: string; services: Record<string, ServiceEndpoint>; marker: string; token?: string; slot: number }): TestRunner {
  switch (options.test.kind) {
    case 'module':
      return new ModuleTestRunner(options.test.value, ctx);
    case 'command':
      return new SpawnTestRunner(options.test.value, ctx, options.test.cwd);
    case 'function':
      if (!options.testFunction) throw new TestSetupError(`the test "${options.test.value}" is a function, but none was given`);
      return new InProcessTestRunner(options.testFunction, ctx, options.test.value);
  }
}

export class TestBed {
  readonly session: Session;
  private server?: OrchestratorServer;
  private services?: ServiceManager;
  /** One runner per slot; an in-process test function is one runner shared by every slot. */
  private runners: TestRunner[] = [];
  private coverageDir?: string;
  private identity: IdentityRules = ORIGINAL_RULES;
  /** The longest a passing test took: a test is never cut shorter than twice that. */
  private longestPassMs = 0;
  /** The caller timeouts seen so far: how long a call may stay open before it never returned (open-calls.ts). */
  private readonly timeouts = new TimeoutsSeen();
  /** Executions are traced (--traces): each result names its trace. */
  private traces = false;
  private traceUrl?: string;
  private aborted = false;
  /** Why a crashed service could not be restarted (throwIfDown). */
  private down?: Error;
  /** Carried by every process this run starts, swept at close (runner/run-marker.ts). */
  readonly marker = newRunMarker();
  /** Executions running now; each learns whether another ran beside it (their log lines mix). */
  private readonly active = new Set<{ overlapped: boolean }>();

  constructor(session: Session) {
    this.session = session;
  }

  /** Starts the server, the services and the test runner; on failure, what was started stays closable. */
  async start(options: TestBedOptions): Promise<void> {
    this.server = await startServer(this.session, options.port, options.host, options.token);
    const tokenEnv: Record<string, string> = options.token ? { [TOKEN_ENV]: options.token } : {};
    if (options.traces) tokenEnv.FILIBUSTER_TRACES = options.traces;
    // The root span with the planned trace id is opened by the test-module worker: a spawned or in-process
    // test has none, so its executions' traces start at the entry service and are not named here.
    this.traces = options.traces !== undefined && options.test.kind === 'module';
    if (options.traces !== undefined && !this.traces) options.warn?.('--traces: the services are traced, but only a --test-module test roots each execution in one trace (no trace ids in results.json)');
    this.traceUrl = options.traceUrl;
    let endpoints: Record<string, ServiceEndpoint> = {};
    if (options.servicesConfig) {
      const config = loadServicesConfig(options.servicesConfig);
      this.identity = initialRules(options.identity ?? 'original', config);
      this.services = new ServiceManager(config, {
        orchestratorUrl: this.server.url,
        logDir: `${options.outputDir}/logs`,
        eiCompat: options.eiCompat,
        env: { ...options.serviceEnv, ...tokenEnv },
        marker: this.marker,
        ports: options.servicePorts,
        coverageDir: options.coverage ? join(options.outputDir, 'coverage') : undefined,
        identity: this.identity,
        token: options.token,
        warn: options.warn,
      });
      this.coverageDir = options.coverage ? join(options.outputDir, 'coverage') : undefined;
      await this.services.start();
      endpoints = this.services.endpoints();
      this.session.nameServices(this.services.serviceMap());
    }
    const ctx = { orchestratorUrl: this.server.url, services: endpoints, marker: this.marker, token: options.token, traces: options.traces };
    const slots = options.test.kind === 'function' ? 1 : Math.max(1, options.slots ?? 1);
    for (let slot = 0; slot < slots; slot++) this.runners.push(runnerFor(options, { ...ctx, slot }));
  }

  /** An execution's trace id, and its URL in the trace viewer, when the run is traced. */
  private traceOf(id: string): Pick<Run, 'traceId' | 'traceUrl'> {
    if (!this.traces) return {};
    const traceId = traceIdOf(id);
    return this.traceUrl ? { traceId, traceUrl: this.traceUrl.replaceAll('{traceId}', traceId) } : { traceId };
  }

  /** The identity rules the services run with (identity-rules.ts); the original's without a services config. */
  get identityRules(): IdentityRules {
    return this.identity;
  }

  /** New rules for the whole run (after the calibration): every service takes them before anything else runs. */
  async setIdentityRules(rules: IdentityRules): Promise<void> {
    this.identity = rules;
    await this.services?.setIdentityRules(rules);
  }

  /** Drops a run's coverage slice: a run that is not an execution of the search (the calibration's). */
  discardCoverage(id: string): void {
    if (this.coverageDir) rmSync(join(this.coverageDir, 'executions', id), { recursive: true, force: true });
  }

  /** See ServiceManager.restartBeforeEachExecution. */
  restartBeforeEachExecution(name: string): boolean {
    return this.services?.restartBeforeEachExecution(name) ?? false;
  }

  /** A started service that does not accept executions at once (`parallel` in service-config.ts), if any. */
  statefulService(): string | undefined {
    return this.services?.specs().find((s) => !s.parallel)?.name;
  }

  /** The port of each started service (recorded so that a resumed run can reuse them). */
  servicePorts(): Record<string, number> {
    const ports: Record<string, number> = {};
    for (const [name, e] of Object.entries(this.services?.endpoints() ?? {})) ports[name] = e.port;
    return ports;
  }

  /**
   * Runs the test once with these faults; `prefix` is the scheduled prefix to check (empty for replays).
   * `slot` picks the test runner (parallel runs use one each). Crashed services are restarted before it
   * returns unless `restartCrashed` is false (parallel.ts restarts them once the other runs have drained).
   */
  async run(number: number, id: string, failures: readonly Failure[], timeoutMs: number, prefix: readonly Call[] = [], slot = 0, restartCrashed = true): Promise<Run> {
    this.throwIfDown();
    await this.services?.beforeExecution();
    const watch = this.services?.watchLogs();
    const running = { overlapped: this.active.size > 0 };
    for (const other of this.active) other.overlapped = true;
    this.active.add(running);
    try {
      const execution = this.session.begin(number, id, failures);
      const outcome = await this.runners[slot % this.runners.length].run(id, this.testTimeoutMs(failures, timeoutMs), this.session.faultPlan(execution));
      if (outcome.verdict === 'pass') this.longestPassMs = Math.max(this.longestPassMs, outcome.durationMs);
      const graceMs = settleGraceMs(failures);
      let quiet = await execution.quiescent(graceMs);
      await new Promise((r) => setImmediate(r)); // let messages already on the wire land
      if (quiet && execution.pending > 0) quiet = await execution.quiescent(SETTLE_GRACE_MS);
      if (!quiet) quiet = await this.outwaitOpenCalls(execution, outcome, timeoutMs);
      const calls = execution.finish();
      this.timeouts.note(calls);
      this.session.end(execution, calls);
      await this.services?.settleExits();
      await this.services?.probeGivenServices();
      const crashed = this.services?.crashed() ?? [];
      const judgement = judge({ outcome, execution, calls, prefix, quiet, graceMs, crashed });
      // Only an execution that did not pass keeps its log lines: only it waits for the last of them.
      if (judgement.verdict !== 'pass') await watch?.quiet(LOG_QUIET_MS, LOG_WAIT_MAX_MS);
      const logs = logsOf(watch?.stop(), running.overlapped, this.runners.length);
      if (this.coverageDir) await this.services!.collectCoverage(join(this.coverageDir, 'executions', id));
      if (restartCrashed) await this.restartCrashed().catch((err: unknown) => (this.down = err as Error));
      return { id, ...this.traceOf(id), outcome, calls, judgement, entry: [...execution.entryResponses], properties: execution.properties, crashed: crashed.map((c) => c.name), logs };
    } finally {
      watch?.stop();
      this.active.delete(running);
    }
  }

  /**
   * How long the test may run. A black hole ends only by a timer, and past the never-returned bound no
   * visible timer will end it (open-calls.ts): waiting out the full execution timeout (30 s by default)
   * would show nothing more, so a test with a black hole planned is cut at the bound, or at twice the
   * longest passing test if that is longer (a slow test is not cut for being slow).
   */
  private testTimeoutMs(failures: readonly Failure[], timeoutMs: number): number {
    if (!failures.some((f) => f.forced_exception?.name === NETWORK_FAULTS.blackHole)) return timeoutMs;
    return Math.min(timeoutMs, Math.max(this.timeouts.boundMs(timeoutMs), 2 * this.longestPassMs) + BLACK_HOLE_SLACK_MS);
  }

  /**
   * Calls still open while the test's request waited (it failed, hung, or ended without its answer): wait
   * until they have been open past the bound (open-calls.ts), so that "never returned" is only said of
   * calls no visible timer would end. Nothing to wait for after a passing test (an abandoned call is a
   * leak whenever it would end) or a crash (the crash is the verdict). True when everything completed.
   */
  private async outwaitOpenCalls(execution: Execution, outcome: TestOutcome, timeoutMs: number): Promise<boolean> {
    if (this.aborted || (outcome.verdict === 'pass' && execution.unansweredEntries === 0)) return false;
    const ages = [...execution.openCalls().values()];
    if (ages.length === 0) return false;
    await this.services?.settleExits();
    if ((this.services?.crashed().length ?? 0) > 0) return false;
    const wait = this.timeouts.boundMs(timeoutMs) - Math.min(...ages);
    return wait > 0 ? execution.quiescent(wait) : false;
  }

  /**
   * A crashed service that could not be restarted ends the run, but only once the execution that saw it
   * crash has been recorded: the next run (or the end of the search) throws why.
   */
  throwIfDown(): void {
    if (this.down) throw this.down;
  }

  /** Starts every exited service again (and waits for its health check). */
  async restartCrashed(): Promise<void> {
    for (const c of this.services?.crashed() ?? []) await this.services!.restart(c.name);
  }

  /** Abandons the executions in flight (Ctrl-C). */
  abort(): void {
    this.aborted = true;
    for (const r of this.runners) void r.close();
  }

  async close(): Promise<void> {
    for (const r of this.runners) await r.close();
    await this.services?.stop();
    sweepMarked(this.marker); // whatever any of them left behind, in its process group or not
    await this.server?.close();
  }
}

/** One execution's log lines, and what they cannot say: lines of other executions beside it, services not started here. */
function logsOf(watched: ExecutionLogs | undefined, overlapped: boolean, workers: number): Run['logs'] {
  const notes: string[] = [];
  if (overlapped) notes.push(`log lines cannot be attributed to one execution with --workers ${workers}: these are the lines written while it ran, by any execution`);
  if (watched?.notStarted.length) notes.push(`not started by the runner (given by url), so their lines are not here: ${watched.notStarted.join(', ')}`);
  return { services: watched?.logs ?? {}, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

/** The planned faults that a run actually injected. */
export function injectedFailures(failures: readonly Failure[], calls: readonly Call[]): Failure[] {
  const hit = new Set<string>();
  for (const c of calls) if (c.failure) hit.add(c.ei);
  return failures.filter((f) => hit.has(f.execution_index));
}
