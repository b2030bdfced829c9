/**
 * The long-lived worker of the ModuleTestRunner: imports the test module once, then calls its function
 * once per execution, inside that execution's context (propagate-only: the test's requests carry the
 * execution id and are never faulted).
 */
import { forgetFaultPlan, setFaultPlan } from '../../instrumentation/fault-plan.js';
import type { FaultPlan } from '../../instrumentation/protocol.js';
import { pathToFileURL } from 'node:url';
import { instrument, runInExecution } from '../../instrumentation/index.js';
import { flushProperties } from '../../instrumentation/properties.js';
import { BoundedText } from './bounded-text.js';
import { describeError } from './error-text.js';
import type { TestContext, WorkerReply, WorkerRequest } from './worker-protocol.js';

type TestFunction = (ctx: TestContext) => unknown;

let test: TestFunction | undefined;
let services: TestContext['services'] = {};
const orchestratorUrl = process.env.FILIBUSTER_URL ?? '';

instrument({ serviceName: 'functional-test', orchestratorUrl, propagateOnly: true });
// Standalone traces (--traces): each execution is a trace rooted here. OpenTelemetry loads only then.
const tracing = process.env.FILIBUSTER_TRACES ? await import('../../instrumentation/otel-standalone.js') : undefined;
tracing?.startStandaloneTracing(process.env.FILIBUSTER_TRACES!, 'functional-test');

function reply(message: WorkerReply): void {
  process.send?.(message);
}

/** What this process writes while an execution runs (console.* writes through these too), kept for its failure. */
let written: BoundedText | undefined;
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (written && (typeof chunk === 'string' || chunk instanceof Uint8Array)) written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stream.write;
}

async function load(path: string, exportName: string): Promise<void> {
  try {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    const fn = mod[exportName];
    if (typeof fn !== 'function') {
      const available = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
      reply({ type: 'load-failed', detail: `it has no exported function "${exportName}" (functions exported: ${available.join(', ') || 'none'})` });
      return;
    }
    test = fn as TestFunction;
    reply({ type: 'loaded' });
  } catch (err) {
    reply({ type: 'load-failed', detail: describeError(err).detail });
  }
}

async function run(executionId: string, plan: FaultPlan | undefined): Promise<void> {
  const output = new BoundedText();
  written = output;
  if (plan) setFaultPlan(executionId, plan);
  try {
    const body = () => runInExecution(executionId, async () => test!({ executionId, services, orchestratorUrl }));
    await (tracing ? tracing.inExecutionTrace(executionId, body) : body());
    // Properties the test evaluated must reach the orchestrator before it judges the execution.
    await flushProperties();
    reply({ type: 'passed' });
  } catch (err) {
    await flushProperties();
    const { detail, text } = describeError(err);
    reply({ type: 'failed', detail, error: text, console: output.toString() });
  } finally {
    forgetFaultPlan(executionId);
    if (written === output) written = undefined;
  }
}

process.on('message', (message: WorkerRequest) => {
  if (message.type === 'load') {
    services = message.services;
    void load(message.path, message.exportName);
  } else if (message.type === 'run') void run(message.executionId, message.plan);
});
process.on('disconnect', () => process.exit(0));
