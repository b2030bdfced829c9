/**
 * cinema-14 (cinema-2's chain users → bookings → movies with 503 propagation; movies sheds load with 429
 * when more than 5 requests are queued, after cinema-10's bookings).
 *
 * Sequential exploration, static catalogue (ECONNREFUSED, Timeout, bookings {500, 404, 503}, movies
 * {500, 404}; TooManyRequests is left out: the original analyser aborts on it): cinema-2's figures,
 * 1 fault-free + 5 on users → bookings + 4 on bookings → movies = 10 ran without dynamic reduction; with it
 * 9 ran and 1 pruned (the 503 on users → bookings: a fault on bookings → movies already made bookings answer
 * 503). No failure: one request at a time never fills the queue. Each execution would wait movies' 2 s, so
 * this test shortens the work with SHED_SLEEP_MS=50 (the services' default stays 2 s).
 *
 * Under load (the real 2 s, no fault: execution 1 of an earlier run replayed by `filibuster loadgen`,
 * 8 concurrent runs): the 7th and 8th concurrent movie requests get 429, bookings turns it into 503, and
 * the client sees 503 although no fault was injected, so some runs fail; with CINEMA_14_FIXED=1 movies does
 * not shed (unbounded queue) and no run fails.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

test('cinema-14, static catalogue, sequential: 10 ran without dynamic reduction, 9 with it, no failure', async () => {
  const env = { SHED_SLEEP_MS: '50' };
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-14', catalogue: 'static', dynamicReduction: false, serviceEnv: env })), { ran: 10, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-14', catalogue: 'static', dynamicReduction: true, serviceEnv: env })), { ran: 9, pruned: 1, failing: 0 });
});

test('cinema-14 under load without a fault: 503 from shed movies requests when buggy, none when fixed', async () => {
  const outputDir = tempDir();
  const fault_free = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/cinema-14.js') },
    servicesConfig: join(ROOT, 'corpus/cinema-14/services.json'),
    onlyInitialExecution: true,
    outputDir,
  });
  assert.equal(fault_free.results.counts.ran, 1);
  const load = ['loadgen', '--execution', '1', '--output-dir', outputDir, '--concurrency', '8', '--requests', '12'];

  const buggy = await cli(load);
  assert.equal(buggy.code, 1, buggy.stdout + buggy.stderr);
  const row = /^\s+12\s+12\s+(\d+)\s+(\d+)\s+([\d.]+) %/m.exec(buggy.stdout);
  assert.ok(row && Number(row[2]) > 0 && Number(row[3]) > 0, buggy.stdout);
  assert.match(buggy.stdout, /answered 503 without any fault/);

  const fixed = await cli([...load, '--service-env', 'CINEMA_14_FIXED=1']);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /^\s+12\s+12\s+12\s+0\s+0\.0 %/m);
});
