/**
 * ServiceManager: starts the services of a configuration with the instrumentation preloaded, waits until
 * each passes its health check (service-start.ts), notices crashes, restarts, and stops them all (also on
 * Ctrl-C).
 * Each service's output goes to `<output>/logs/<name>.log`.
 */
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDENTITY_PATH, type IdentityRules } from '../../instrumentation/protocol.js';
import { COVERAGE_PATH } from '../../instrumentation/coverage-control.js';
import { post, postJson } from './control-requests.js';
import { restartByHook } from './restart-hook.js';
import { ServiceError } from './service-error.js';
import { downAfterExecution, NOT_OUR_LOG } from './url-liveness.js';
import { LogWatch, ServiceOutput } from './log-window.js';
import { errorLine } from './error-line.js';
import { freePort } from './ports.js';
import { stopTree, Tail } from './process-tree.js';
import { hasEnded, serviceProcesses } from './liveness.js';
import { RUN_MARKER_VAR, sweepMarked } from './run-marker.js';
import type { ServiceSpec, ServicesConfig } from './service-config.js';
import { interpolate, probeOf, spawnService, urlOf, waitHealthy, type Running } from './service-start.js';

const REGISTER = fileURLToPath(new URL('../../instrumentation/register.js', import.meta.url));

export { ServiceError };

export interface ServiceEndpoint {
  name: string;
  url: string;
  port: number;
}

export interface ServiceOptions {
  orchestratorUrl: string;
  logDir: string;
  eiCompat: boolean;
  /** Extra environment for every service (e.g. a bug switch). */
  env?: Record<string, string>;
  /** With `--coverage`: V8 coverage of each instrumented service goes to `<coverageDir>/raw/<service>/`. */
  coverageDir?: string;
  /** The run's marker (run-marker.ts): each service carries `<marker>/service/<name>`. */
  marker?: string;
  /**
   * Ports to use instead of fresh ones, by service: a resumed run reuses the interrupted run's, because
   * the journaled calls name them (a call's identity includes its URL's port).
   */
  ports?: Record<string, number>;
  /** The orchestrator's token, presented to services on other hosts (their identity control request). */
  token?: string;
  /** The identity rules services start with (identity-rules.ts). */
  identity?: IdentityRules;
  warn?: (message: string) => void;
}

/** How long an ended service's shell may take to exit after its command did. */
const EXIT_WAIT_MS = 2_000;

export class ServiceManager {
  private readonly config: ServicesConfig;
  private readonly options: ServiceOptions;
  private readonly running = new Map<string, Running>();
  private vars: Record<string, string> = {};
  private identity?: IdentityRules;

  constructor(config: ServicesConfig, options: ServiceOptions) {
    this.config = config;
    this.options = options;
  }

  /** The configured services, in start order. */
  specs(): readonly ServiceSpec[] {
    return this.config.services;
  }

  endpoints(): Record<string, ServiceEndpoint> {
    const out: Record<string, ServiceEndpoint> = {};
    for (const r of this.running.values()) out[r.spec.name] = { name: r.spec.name, url: urlOf(r), port: r.port };
    return out;
  }

  async start(): Promise<void> {
    this.identity = this.options.identity;
    mkdirSync(this.options.logDir, { recursive: true });
    this.vars = { 'orchestrator.url': this.options.orchestratorUrl };
    for (const spec of this.config.services) {
      const port = spec.url || spec.port ? spec.port : (this.options.ports?.[spec.name] ?? (await freePort()));
      const r: Running = { spec, port, tail: new Tail(), output: new ServiceOutput() };
      this.running.set(spec.name, r);
      this.vars[`${spec.name}.port`] = String(port);
      this.vars[`${spec.name}.url`] = urlOf(r);
    }
    for (const r of this.running.values()) await this.launch(r);
  }

  /**
   * How the instrumentation names a callee (identity-rules.ts): by host:port, by the service's name or an
   * alias as a host name on any port, and by the port of a service the runner started (a host name that
   * resolves to this machine, on that port, reaches it).
   */
  serviceMap(): Record<string, string> {
    const map: Record<string, string> = {};
    for (const r of this.running.values()) {
      const u = new URL(urlOf(r));
      map[`${u.hostname}:${r.port}`] = r.spec.name;
      if (u.hostname === '127.0.0.1') map[`localhost:${r.port}`] = r.spec.name;
      for (const host of [r.spec.name, ...r.spec.aliases]) map[host] ??= r.spec.name;
      if (r.spec.command) map[`*:${r.port}`] = r.spec.name;
    }
    return map;
  }

  /**
   * The run's identity rules, in every instrumented service: those running now get them by a control
   * request (identity-control.ts), and any (re)started later in their environment.
   */
  async setIdentityRules(rules: IdentityRules): Promise<void> {
    this.identity = rules;
    for (const r of this.running.values()) {
      if (!r.spec.instrument || r.exit) continue;
      const status = await postJson(new URL(IDENTITY_PATH, urlOf(r)).toString(), rules, this.options.token);
      if (status === 204) continue;
      const why = `service ${r.spec.name} did not take the run's identity rules (POST ${IDENTITY_PATH} answered ${status || 'nothing'})`;
      // A service we started runs our instrumentation; one given by URL may run another (the Python one).
      if (r.spec.command) throw new ServiceError(why);
      this.options.warn?.(`${why}: its calls keep the original identity`);
    }
  }

  /**
   * The environment a service is started with (README, "What your services and your test receive"); for
   * a `url` service, only what its health headers' `${env.NAME}` may read.
   */
  private environmentOf(r: Running): NodeJS.ProcessEnv {
    const { spec } = r;
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env, PORT: String(r.port), HOST: r.spec.host };
    if (this.options.marker) env[RUN_MARKER_VAR] = this.markerOf(spec.name)!;
    for (const [k, v] of Object.entries(spec.env)) env[k] = interpolate(v, this.vars, `service ${spec.name}, env ${k}`);
    if (spec.instrument) {
      env.FILIBUSTER_URL = this.options.orchestratorUrl;
      env.FILIBUSTER_SERVICE_NAME = spec.name;
      env.FILIBUSTER_SERVICE_MAP = JSON.stringify(this.serviceMap());
      if (this.identity) env.FILIBUSTER_IDENTITY_RULES = JSON.stringify(this.identity);
      if (this.options.eiCompat) env.FILIBUSTER_EI_COMPAT = '1';
      if (this.config.pathTemplates.length) env.FILIBUSTER_PATH_TEMPLATES = this.config.pathTemplates.join(',');
      if (this.config.ignoredQueryParams.length) env.FILIBUSTER_IGNORED_QUERY_PARAMS = this.config.ignoredQueryParams.join(',');
      env.NODE_OPTIONS = `--import "${REGISTER}" --enable-source-maps ${env.NODE_OPTIONS ?? ''}`.trim();
      if (this.options.coverageDir) {
        env.NODE_V8_COVERAGE = this.rawCoverageDir(spec.name);
        env.FILIBUSTER_COVERAGE = '1';
      }
    } else {
      delete env.FILIBUSTER_URL;
    }
    return env;
  }

  private async launch(r: Running): Promise<void> {
    const { spec } = r;
    const env = this.environmentOf(r);
    const probe = probeOf(r, env, this.vars);
    r.probe = probe;
    if (spec.command) spawnService(r, interpolate(spec.command, this.vars, `service ${spec.name}`), env, this.options.logDir);
    await waitHealthy(r, probe);
    if (r.child?.pid !== undefined) r.watched = serviceProcesses(r.child.pid);
  }


  /**
   * Waits (briefly) for the exit event of every service whose process has already ended, so that a
   * crash just before the test's end is seen by `crashed()` now, and blamed on this execution.
   */
  async settleExits(): Promise<void> {
    for (const r of this.running.values()) {
      if (r.exit || !r.watched?.some(hasEnded)) continue;
      await Promise.race([r.exited, new Promise((resolve) => setTimeout(resolve, EXIT_WAIT_MS).unref())]);
      // A process of a compound command that ended on purpose: not waited for again.
      if (!r.exit) r.watched = r.watched.filter((pid) => !hasEnded(pid));
    }
  }

  /**
   * One health probe for each service given by `url` (url-liveness.ts): one found down is a crash of the
   * execution that just ended (crashed()), until restart() brings it back.
   */
  async probeGivenServices(): Promise<void> {
    const given = [...this.running.values()].filter((r) => !r.spec.command && !r.down && r.probe);
    await Promise.all(given.map(async (r) => (r.down = await downAfterExecution(r.probe!))));
  }

  /**
   * From now on, restart this service before every execution (as `"betweenExecutions": "restart"` would):
   * for a service found to keep state between executions. False when the runner cannot restart it (a `url`
   * service without a restart hook) or its config already says how to restore it.
   */
  restartBeforeEachExecution(name: string): boolean {
    const r = this.running.get(name);
    if (!(r?.spec.command || r?.spec.restart) || r.spec.betweenExecutions) return false;
    r.spec = { ...r.spec, betweenExecutions: 'restart', parallel: false };
    return true;
  }

  /** Restores the state of services that keep it, as their `betweenExecutions` says. */
  async beforeExecution(): Promise<void> {
    for (const r of this.running.values()) {
      const between = r.spec.betweenExecutions;
      if (!between) continue;
      if (between === 'restart') await this.restart(r.spec.name);
      else {
        const url = new URL(between.reset, urlOf(r)).toString();
        const status = await post(url);
        if (status < 200 || status >= 300) throw new ServiceError(`service ${r.spec.name}: the reset POST ${url} answered ${status}`);
      }
    }
  }

  private rawCoverageDir(name: string): string {
    return join(this.options.coverageDir!, 'raw', name);
  }

  /**
   * Ends the current coverage slice of every instrumented service (coverage-control.ts) and moves its
   * files into `into/`, named after the service: one directory per execution.
   */
  async collectCoverage(into: string): Promise<void> {
    if (!this.options.coverageDir) return;
    mkdirSync(into, { recursive: true });
    for (const r of this.running.values()) {
      if (!r.spec.instrument || !r.spec.command) continue;
      if (!r.exit) await post(new URL(COVERAGE_PATH, urlOf(r)).toString());
      const raw = this.rawCoverageDir(r.spec.name);
      if (!existsSync(raw)) continue;
      for (const file of readdirSync(raw)) renameSync(join(raw, file), join(into, `${r.spec.name}-${file}`));
    }
  }

  /** Keeps what each service the runner started writes from now on (log-window.ts): one execution's lines. */
  watchLogs(): LogWatch {
    const all = [...this.running.values()];
    const started = all.filter((r) => r.spec.command).map((r) => ({ name: r.spec.name, output: r.output }));
    return new LogWatch(started, all.filter((r) => !r.spec.command).map((r) => r.spec.name));
  }

  /** Services that exited since they were started: name → how, with the log tail. */
  crashed(): { name: string; how: string; logTail: string; error?: string }[] {
    const out: { name: string; how: string; logTail: string; error?: string }[] = [];
    for (const r of this.running.values()) {
      if (r.down) out.push({ name: r.spec.name, how: r.down, logTail: NOT_OUR_LOG });
      if (!r.child || !r.exit) continue;
      // The error it died of, in one line (error-line.ts reads what Node printed for it).
      const error = errorLine(r.tail.toString())?.split('\n')[0];
      out.push({ name: r.spec.name, how: r.exit, logTail: r.tail.readable(20), ...(error ? { error } : {}) });
    }
    return out;
  }

  /**
   * Starts a crashed service again and waits for its health check; a service given by `url` is restarted by
   * its hook (restart-hook.ts), and one without a hook cannot be: that is said, and ends the run.
   */
  async restart(name: string): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    if (!r.spec.command) return this.restartGiven(r);
    if (r.child) await stopTree(r.child);
    this.sweep(name); // a descendant that left the process group may still hold the port
    await this.launch(r);
  }

  private async restartGiven(r: Running): Promise<void> {
    const { spec } = r;
    r.log ??= createWriteStream(join(this.options.logDir, `${spec.name}.log`), { flags: 'a' });
    const command = spec.restart && interpolate(spec.restart, this.vars, `service ${spec.name}, restart`);
    await restartByHook(spec, r.down, command, { ...process.env, ...this.options.env }, r.log);
    r.down = undefined;
    await waitHealthy(r, r.probe!);
  }

  private markerOf(name: string): string | undefined {
    return this.options.marker ? `${this.options.marker}/service/${name}` : undefined;
  }

  private sweep(name: string): void {
    const marker = this.markerOf(name);
    if (marker) sweepMarked(marker);
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async (r) => {
        if (r.child) await stopTree(r.child);
        this.sweep(r.spec.name);
        r.log?.end();
      }),
    );
  }
}
