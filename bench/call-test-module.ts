/**
 * A test module as a spawn-mode test: `node call-test-module.js <module.js> [export]` imports the module,
 * calls its export once and exits 0 when it resolves, 1 when it throws. The context is the one the
 * module runner's worker passes (runner/test-worker.ts), rebuilt from the environment the spawn runner
 * sets (runner/test-runner.ts): FILIBUSTER_EXECUTION_ID, FILIBUSTER_SERVICES, FILIBUSTER_URL. The
 * spawn runner's preload already tags the process's requests with the execution id, so nothing else is
 * set up here. Without FILIBUSTER_URL (the bare-process baseline) the test runs as it would alone.
 */
import { pathToFileURL } from 'node:url';
import { flushProperties } from '../instrumentation/properties.js';
import type { TestContext } from '../orchestrator/runner/worker-protocol.js';

const [modulePath, exportName = 'default'] = process.argv.slice(2);
if (!modulePath) {
  console.error('usage: call-test-module.js <module.js> [export]');
  process.exit(2);
}

const ctx: TestContext = {
  executionId: process.env.FILIBUSTER_EXECUTION_ID ?? '',
  services: JSON.parse(process.env.FILIBUSTER_SERVICES ?? '{}') as TestContext['services'],
  orchestratorUrl: process.env.FILIBUSTER_URL ?? '',
};

try {
  const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const test = mod[exportName];
  if (typeof test !== 'function') throw new Error(`${modulePath} has no exported function "${exportName}"`);
  await test(ctx);
  // As the worker: properties the test evaluated reach the orchestrator before the verdict.
  await flushProperties();
  process.exit(0);
} catch (err) {
  await flushProperties();
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  process.exit(1);
}
