/**
 * Test runners: run the functional test once per execution.
 *
 * - SpawnTestRunner (`--functional-test CMD`): any command, in a shell, once per execution, in its own
 *   process group; exit code 0 = pass. Node processes get the propagate-only preload, so the test's own
 *   requests carry the execution id.
 * - ModuleTestRunner (`--test-module path[#export]`): imports the module once, in a long-lived worker
 *   process, and calls its exported `async function (ctx)` per execution; a throw is a failure. No process
 *   start per execution, which is what makes exploration fast.
 *
 * Both kill the whole process tree when an execution exceeds its timeout (verdict "hang").
 */
import { FAULT_PLAN_VAR, type FaultPlan } from '../../instrumentation/protocol.js';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundedText } from './bounded-text.js';
import { commandFailureDetail, errorLine } from './error-line.js';
import { killTree, Tail } from './process-tree.js';
import { RUN_MARKER_VAR, sweepMarked } from './run-marker.js';
import type { ServiceEndpoint } from './services.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

const PROPAGATE = fileURLToPath(new URL('../../instrumentation/propagate.js', import.meta.url));
const WORKER = fileURLToPath(new URL('./test-worker.js', import.meta.url));

export type TestVerdict = 'pass' | 'fail' | 'hang';

/** What the test printed and threw during one execution, each part bounded (bounded-text.ts). */
export interface TestOutput {
  /** Command tests: what the command wrote. */
  stdout?: string;
  stderr?: string;
  /** Module and in-process tests: the thrown error, with its stack and causes. */
  error?: string;
  /** Module tests: what the process running the test function wrote while it ran (console.*, process.stdout). */
  console?: string;
}

export interface TestOutcome {
  verdict: TestVerdict;
  durationMs: number;
  /** The error the test failed with (its message, for an assertion), else its exit status, or what timed out. */
  detail?: string;
  output?: TestOutput;
  /** The test could not be started at all (e.g. the command does not exist): a usage problem. */
  setupProblem?: string;
}

export interface TestRunner {
  readonly description: string;
  /** `plan`: the execution's planned faults, for the test's process to answer `wasFaultInjected*()` itself. */
  run(executionId: string, timeoutMs: number, plan?: FaultPlan): Promise<TestOutcome>;
  close(): Promise<void>;
}

export class TestSetupError extends Error {}

export interface RunnerContext {
  orchestratorUrl: string;
  services: Record<string, ServiceEndpoint>;
  /** The run's marker (run-marker.ts): test processes carry `<marker>/test/<id>` or `<marker>/worker`. */
  marker?: string;
  /** Which of several runners of one run this is (0 or absent: the only or first one). */
  slot?: number;
  /** The orchestrator's token (auth.ts), given to the test as FILIBUSTER_TOKEN. */
  token?: string;
  /** Standalone traces (--traces), given to the test as FILIBUSTER_TRACES. */
  traces?: string;
}

/** Kills a test process's group, then anything that carries its marker (a setsid'd descendant). */
function killTestTree(child: ChildProcess, marker: string | undefined): void {
  killTree(child);
  if (marker) sweepMarked(marker);
}

function servicesEnv(ctx: RunnerContext): Record<string, string> {
  const env: Record<string, string> = { FILIBUSTER_URL: ctx.orchestratorUrl, FILIBUSTER_SERVICES: JSON.stringify(ctx.services) };
  if (ctx.token) env.FILIBUSTER_TOKEN = ctx.token;
  if (ctx.traces) env.FILIBUSTER_TRACES = ctx.traces;
  for (const s of Object.values(ctx.services)) env[`FILIBUSTER_SERVICE_${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`] = s.url;
  return env;
}

export class SpawnTestRunner implements TestRunner {
  readonly description: string;
  private readonly command: string;
  private readonly ctx: RunnerContext;
  private readonly cwd?: string;
  private current?: ChildProcess;
  private currentMarker?: string;

  /** `cwd`: the folder the command runs in (absent: the current one). */
  constructor(command: string, ctx: RunnerContext, cwd?: string) {
    this.command = command;
    this.ctx = ctx;
    this.cwd = cwd;
    this.description = command;
  }

  run(executionId: string, timeoutMs: number, plan?: FaultPlan): Promise<TestOutcome> {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...servicesEnv(this.ctx),
      ...(plan ? { [FAULT_PLAN_VAR]: JSON.stringify(plan) } : {}),
      FILIBUSTER_EXECUTION_ID: executionId,
      NODE_OPTIONS: `--import "${PROPAGATE}" ${process.env.NODE_OPTIONS ?? ''}`.trim(),
    };
    const marker = this.ctx.marker ? `${this.ctx.marker}/test/${executionId}` : undefined;
    if (marker) env[RUN_MARKER_VAR] = marker;
    const child = spawn('/bin/sh', ['-c', this.command], { env, cwd: this.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.current = child;
    this.currentMarker = marker;
    const stdout = new BoundedText();
    const stderr = new BoundedText();
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    return new Promise((resolve) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        // The group, and descendants that left it: one that called setsid may hold the output pipe open,
        // and 'close' would never come.
        killTestTree(child, marker);
      }, timeoutMs);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        killTestTree(child, marker); // anything the test left behind, in its group or not
        this.current = undefined;
        this.currentMarker = undefined;
        const durationMs = performance.now() - started;
        const output: TestOutput = { stdout: stdout.toString(), stderr: stderr.toString() };
        if (timedOut) return resolve({ verdict: 'hang', durationMs, detail: `the test did not finish within ${timeoutMs} ms`, output });
        if (code === 0) return resolve({ verdict: 'pass', durationMs });
        if (code === 127) {
          const problem = `the test command was not found (the shell exited 127): ${this.command}`;
          return resolve({ verdict: 'fail', durationMs, detail: `${problem}: ${lastLine(output.stderr!)}`, output, setupProblem: problem });
        }
        resolve({ verdict: 'fail', durationMs, detail: commandFailureDetail(code, signal, output.stdout!, output.stderr!), output });
      });
    });
  }

  async close(): Promise<void> {
    if (this.current) killTestTree(this.current, this.currentMarker);
  }
}

/** The worker's end in words, with the error it died of when it printed one (an uncaught one, from a stray promise). */
function workerEndDetail(reply: WorkerReply, output: string): string {
  const why = 'detail' in reply ? reply.detail : 'the test worker stopped';
  const error = errorLine(output);
  return error ? `${why}: ${error}` : why;
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop()?.slice(0, 300) ?? '';
}

/** `path/to/test.js#exportName` → module path and export (default export when none). */
export function parseTestModule(spec: string): { path: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  return hash > 0 ? { path: resolvePath(spec.slice(0, hash)), exportName: spec.slice(hash + 1) } : { path: resolvePath(spec), exportName: 'default' };
}

export class ModuleTestRunner implements TestRunner {
  readonly description: string;
  private readonly path: string;
  private readonly exportName: string;
  private readonly ctx: RunnerContext;
  private worker?: ChildProcess;
  private ready?: Promise<void>;
  private tail = new Tail(8192);
  /** What the worker wrote since the current execution began: its output when the worker dies or hangs. */
  private window?: BoundedText;
  private waiting?: (reply: WorkerReply) => void;

  constructor(spec: string, ctx: RunnerContext) {
    const { path, exportName } = parseTestModule(spec);
    this.path = path;
    this.exportName = exportName;
    this.ctx = ctx;
    this.description = spec;
  }

  private get workerMarker(): string | undefined {
    // One marker per runner: sweeping one worker after a hang must spare the others' (parallel.ts).
    if (!this.ctx.marker) return undefined;
    return this.ctx.slot ? `${this.ctx.marker}/worker-${this.ctx.slot}` : `${this.ctx.marker}/worker`;
  }

  private start(): Promise<void> {
    const worker = fork(WORKER, [], {
      env: { ...process.env, ...servicesEnv(this.ctx), ...(this.workerMarker ? { [RUN_MARKER_VAR]: this.workerMarker } : {}) },
      execArgv: ['--enable-source-maps'],
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.worker = worker;
    this.tail = new Tail(8192);
    for (const stream of [worker.stdout!, worker.stderr!]) {
      stream.on('data', (c: Buffer) => {
        this.tail.push(c);
        if (this.worker === worker) this.window?.push(c);
      });
    }
    // Only the current worker speaks: a worker killed after a hang may report its exit later.
    worker.on('message', (m: WorkerReply) => {
      if (this.worker === worker) this.waiting?.(m);
    });
    worker.on('exit', (code, signal) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ready = undefined;
      this.waiting?.({ type: 'exit', detail: signal ? `the test worker was killed by ${signal}` : `the test worker exited with code ${code}` });
    });
    const request: WorkerRequest = { type: 'load', path: this.path, exportName: this.exportName, services: this.ctx.services };
    return new Promise<void>((resolve, reject) => {
      this.waiting = (reply) => {
        this.waiting = undefined;
        if (reply.type === 'loaded') resolve();
        else {
          killTree(worker);
          reject(new TestSetupError(`cannot load the test module ${this.description}: ${'detail' in reply ? reply.detail : reply.type}\n${this.tail.lines(10)}`.trimEnd()));
        }
      };
      worker.send(request);
    });
  }

  async run(executionId: string, timeoutMs: number, plan?: FaultPlan): Promise<TestOutcome> {
    if (!this.ready) this.ready = this.start();
    await this.ready;
    const worker = this.worker!;
    const started = performance.now();
    const window = new BoundedText();
    this.window = window;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        killTestTree(worker, this.workerMarker);
        this.worker = undefined;
        this.ready = undefined;
        resolve({ verdict: 'hang', durationMs: performance.now() - started, detail: `the test did not finish within ${timeoutMs} ms`, output: { console: window.toString() } });
      }, timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        this.waiting = undefined;
        const durationMs = performance.now() - started;
        if (reply.type === 'passed') resolve({ verdict: 'pass', durationMs });
        else if (reply.type === 'failed') resolve({ verdict: 'fail', durationMs, detail: reply.detail, output: { error: reply.error, console: reply.console } });
        else resolve({ verdict: 'fail', durationMs, detail: workerEndDetail(reply, window.toString()), output: { console: window.toString() } });
      };
      const request: WorkerRequest = { type: 'run', executionId, plan };
      worker.send(request);
    });
  }

  /** Kills the worker; an execution in flight ends at once (as a failure its caller discards). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) killTestTree(worker, this.workerMarker);
    this.waiting?.({ type: 'exit', detail: 'the test runner was closed' });
  }
}
