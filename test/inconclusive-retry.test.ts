/**
 * Inconclusive executions are re-run (DESIGN §6): the fixture's entry service, on chosen /work requests,
 * leaves a call open past the end of the test (a real call to its own slow endpoint), which makes that
 * attempt inconclusive for real. A later attempt without it gives a definite verdict that replaces it.
 * In the fault-free execution (no scheduled prefix to diverge from) that open call is a leak: confirmed by
 * a replay (the next /work request) it is reported as one and not re-run; unconfirmed, the attempt is
 * inconclusive and re-run. LATE_ON counts /work requests, so these runs keep the original identity: no
 * calibration runs before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { cli, run, tempDir } from './helpers.js';

const topology = { a: [{ to: 'b', onFailure: 'fallback' as const }], b: [] };

test('an execution inconclusive on its first attempt is re-run, and the definite rerun replaces it', { timeout: 120_000 }, async () => {
  // /work request 2 is execution 2's first attempt: it leaves a call open; request 3 (the rerun) does not.
  const outcome = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: chainConfig(topology, { a: { LATE_ON: '2' } }), maxTests: 2, identity: 'original' });
  const [first, second] = outcome.results.executions;
  assert.equal(first.verdict, 'pass');
  assert.equal(first.attempts, undefined);
  assert.equal(second.status, 'ran');
  assert.equal(second.verdict, 'pass', second.detail);
  assert.equal(second.attempts, 2);
  assert.match(second.inconclusive_attempts![0], /call\(s\) did not complete/);
  assert.match(second.id!, /-2-attempt-2$/);
  assert.equal(second.faults.length, 1);
  assert.equal(outcome.results.counts.inconclusive, 0);
  assert.equal(outcome.results.options.inconclusive_retries, 2);
});

test('inconclusive on every attempt: reported inconclusive after 1 + N attempts, never passed', { timeout: 120_000 }, async () => {
  const outcome = await run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig: chainConfig(topology, { a: { LATE_ON: '2,3' } }),
    identity: 'original',
    maxTests: 2,
    inconclusiveRetries: 1,
  });
  const second = outcome.results.executions[1];
  assert.equal(second.verdict, 'inconclusive');
  assert.match(second.detail!, /call\(s\) did not complete/);
  assert.equal(second.attempts, 2);
  assert.equal(second.inconclusive_attempts!.length, 1);
  assert.equal(outcome.results.counts.inconclusive, 1);
  assert.equal(outcome.results.counts.passed, 1);
});

test('a leak its replay does not confirm is inconclusive and re-run; one it confirms is a leak, not re-run', { timeout: 120_000 }, async () => {
  // Request 1 (the fault-free execution) leaves a call open, request 2 (the replay) does not, request 3 (the rerun) neither.
  const unconfirmed = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: chainConfig(topology, { a: { LATE_ON: '1' } }), onlyInitialExecution: true, identity: 'original' });
  const first = unconfirmed.results.executions[0];
  assert.equal(first.verdict, 'pass', first.detail);
  assert.equal(first.attempts, 2);
  assert.match(first.inconclusive_attempts![0], /^call a → a \(GET \/slow\) was still open after the test ended: .*; not confirmed: a replay of the same faults left no call open$/);

  // Requests 1 and 2 (the execution and its replay) both leave a call open.
  const confirmed = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: chainConfig(topology, { a: { LATE_ON: '1,2' } }), onlyInitialExecution: true, identity: 'original' });
  const leak = confirmed.results.executions[0];
  assert.equal(leak.verdict, 'leak', leak.detail);
  assert.equal(leak.detail, 'call a → a (GET /slow) was still open after the test ended: its caller abandoned it without aborting it (a socket leak) (confirmed by a replay of the same faults)');
  assert.equal(leak.attempts, undefined);
  assert.deepEqual([confirmed.results.counts.leaked, confirmed.results.counts.inconclusive], [1, 0]);
});

test('--inconclusive-retries 0: no re-run', { timeout: 120_000 }, async () => {
  const outcome = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: chainConfig(topology, { a: { LATE_ON: '2' } }), maxTests: 2, inconclusiveRetries: 0, identity: 'original' });
  const second = outcome.results.executions[1];
  assert.equal(second.verdict, 'inconclusive');
  assert.equal(second.attempts, undefined);
});

test('--inconclusive-retries with a bad value: usage error naming the flag', async () => {
  const r = await cli(['--test-module', TEST_MODULE, '--inconclusive-retries', '-1', '--port', '0', '--output-dir', tempDir()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--inconclusive-retries must be a whole number of at least 0 \(got -1\)/);
});
