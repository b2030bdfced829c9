/**
 * wasFaultInjected*() answered in the test's own process from the plan the runner hands it
 * (instrumentation/fault-plan.ts): the same answers as the orchestrator's, and no request to it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DIST } from './helpers.js';

const INDEX = pathToFileURL(join(DIST, 'instrumentation/index.js')).href;

test('a command test with its plan answers every question itself: the orchestrator it names is never asked', async () => {
  const script = `const f = await import(${JSON.stringify(INDEX)});
    console.log(JSON.stringify([await f.wasFaultInjected(), await f.wasFaultInjectedOn('bar'), await f.wasFaultInjectedOn('baz'),
      await f.wasFaultInjectedOnMethod('GET'), await f.wasFaultInjectedOnMethod('POST'), await f.wasFaultInjectedOnMethod('GET', 'bar'),
      await f.wasFaultInjectedOnMethod('GET', 'baz'), await f.wasFaultInjectedOnMethod('Get', 'pkg.Users')]));`;
  const env = {
    ...process.env,
    // Nothing listens on port 1: a question that went there would throw.
    FILIBUSTER_URL: 'http://127.0.0.1:1',
    FILIBUSTER_EXECUTION_ID: 'run-7',
    FILIBUSTER_FAULT_PLAN: JSON.stringify({ faults: [{ method: 'GET', targets: ['bar'] }, { method: 'pkg.Users/Get', targets: [] }] }),
  };
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env });
  assert.deepEqual(JSON.parse(stdout), [true, true, false, true, false, true, false, true]);

  // Without a plan the orchestrator is asked (and here cannot answer).
  const withoutPlan = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env: { ...env, FILIBUSTER_FAULT_PLAN: '' } });
  await assert.rejects(withoutPlan, /cannot ask the orchestrator at http:\/\/127\.0\.0\.1:1/);
});
