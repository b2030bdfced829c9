/**
 * The entry-response report (instrumentation/entry-response.ts) hashes what an entry service sends the
 * test. A response ended after its client left (the test gave up first) is written after the report was
 * made; that must not throw inside the service (it once did: the hash was already final, and the service
 * crashed).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, run, tempDir, writeJson } from './helpers.js';

const FIXTURE = join(DIST, 'test/fixtures/late-end');

test('an entry response ended after the client left does not crash the service', async () => {
  const servicesConfig = writeJson(tempDir(), 'services.json', {
    services: { late: { command: `"${process.execPath}" "${join(FIXTURE, 'service.js')}"` } },
  });
  const outcome = await run({ test: { kind: 'module', value: join(FIXTURE, 'test-module.js') }, servicesConfig, onlyInitialExecution: true });
  const [first] = outcome.results.executions;
  assert.equal(first.verdict, 'pass', `${first.verdict}: ${first.detail ?? ''}`);
});
