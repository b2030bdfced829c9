/**
 * cinema-10 (load shedding: bookings refuses with 429 when more than 5 requests are queued; users falls
 * back to defaults for every failure but propagates a 429).
 *
 * Sequential exploration, static catalogue (ECONNREFUSED, Timeout, bookings {500, 404}, movies {500, 404};
 * TooManyRequests is left out: the original analyser aborts on it): the structure is cinema-5's, so
 * 1 fault-free + 4 on users → bookings + 4 on users → movies + 4×4 on both = 25 ran, none pruned (every
 * combination is new), none failing — one request at a time never fills the queue. Each execution would
 * wait bookings' 2 s, so this test shortens the work with SHED_SLEEP_MS=50 (the services' default stays 2 s).
 *
 * Under load (the real 2 s, no fault: execution 1 of an earlier run replayed by `filibuster loadgen`,
 * 8 concurrent runs): the 7th and 8th concurrent requests find 6 queued and get 429, which users passes to
 * the client, so some runs fail; with CINEMA_10_FIXED=1 users answers the default bookings instead and no
 * run fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

test('cinema-10, static catalogue, sequential: 25 ran, none pruned, no failure', async () => {
  const c = counts(await exploreApp({ app: 'cinema-10', catalogue: 'static', dynamicReduction: true, serviceEnv: { SHED_SLEEP_MS: '50' } }));
  assert.deepEqual(c, { ran: 25, pruned: 0, failing: 0 });
});

test('cinema-10 under load without a fault: 429 reaches the client when buggy, never when fixed', async () => {
  const outputDir = tempDir();
  const fault_free = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/cinema-10.js') },
    servicesConfig: join(ROOT, 'corpus/cinema-10/services.json'),
    onlyInitialExecution: true,
    outputDir,
  });
  assert.equal(fault_free.results.counts.ran, 1);
  const load = ['loadgen', '--execution', '1', '--output-dir', outputDir, '--concurrency', '8', '--requests', '12'];

  const buggy = await cli(load);
  assert.equal(buggy.code, 1, buggy.stdout + buggy.stderr);
  const row = /^\s+12\s+12\s+(\d+)\s+(\d+)\s+([\d.]+) %/m.exec(buggy.stdout);
  assert.ok(row && Number(row[2]) > 0 && Number(row[3]) > 0, buggy.stdout);
  assert.match(buggy.stdout, /status 429/);

  const fixed = await cli([...load, '--service-env', 'CINEMA_10_FIXED=1']);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /^\s+12\s+12\s+12\s+0\s+0\.0 %/m);
});
