/**
 * InProcessTestRunner: calls a test function directly, in the process that runs the exploration (the
 * test runner's own process, for `filibusterTest`). Every execution runs in the same process: no worker,
 * no process start. The function's requests carry the execution id through the propagate-only context.
 *
 * A hung execution cannot be killed here: after the timeout it is judged "hang" and the exploration goes
 * on while the stray promise is left to settle on its own (use the module runner when tests may hang).
 */
import { forgetFaultPlan, setFaultPlan } from '../../instrumentation/fault-plan.js';
import type { FaultPlan } from '../../instrumentation/protocol.js';
import { instrument, runInExecution } from '../../instrumentation/index.js';
import { flushProperties } from '../../instrumentation/properties.js';
import { describeError } from './error-text.js';
import type { TestOutcome, TestRunner } from './test-runner.js';
import type { TestContext } from './worker-protocol.js';

export type TestFunction = (ctx: TestContext) => unknown;

export class InProcessTestRunner implements TestRunner {
  readonly description: string;
  private readonly fn: TestFunction;
  private readonly ctx: Omit<TestContext, 'executionId'>;

  private readonly previousUrl: string | undefined;

  constructor(fn: TestFunction, ctx: Omit<TestContext, 'executionId'>, description: string) {
    this.fn = fn;
    this.ctx = ctx;
    this.description = description;
    // This process becomes the test's: its requests carry the execution id, and the test helpers
    // (wasFaultInjected, properties) find the orchestrator through FILIBUSTER_URL.
    instrument({ serviceName: 'functional-test', orchestratorUrl: ctx.orchestratorUrl, propagateOnly: true });
    this.previousUrl = process.env.FILIBUSTER_URL;
    process.env.FILIBUSTER_URL = ctx.orchestratorUrl;
  }

  async run(executionId: string, timeoutMs: number, plan?: FaultPlan): Promise<TestOutcome> {
    const started = performance.now();
    if (plan) setFaultPlan(executionId, plan);
    const elapsed = () => performance.now() - started;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<TestOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ verdict: 'hang', durationMs: elapsed(), detail: `the test did not finish within ${timeoutMs} ms` }), timeoutMs);
    });
    const attempt = (async (): Promise<TestOutcome> => {
      try {
        await runInExecution(executionId, () => this.fn({ ...this.ctx, executionId }));
        await flushProperties();
        return { verdict: 'pass', durationMs: elapsed() };
      } catch (err) {
        await flushProperties();
        // Not what the process printed meanwhile: it is the test runner's own, shared with everything else it runs.
        const { detail, text } = describeError(err);
        return { verdict: 'fail', durationMs: elapsed(), detail, output: { error: text } };
      }
    })();
    try {
      return await Promise.race([attempt, hang]);
    } finally {
      clearTimeout(timer);
      forgetFaultPlan(executionId);
    }
  }

  async close(): Promise<void> {
    if (this.previousUrl === undefined) delete process.env.FILIBUSTER_URL;
    else process.env.FILIBUSTER_URL = this.previousUrl;
  }
}
