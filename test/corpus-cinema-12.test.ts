/**
 * cinema-12 (expensive error path: cinema-5's users, whose connection-error handler on users → bookings
 * crashes: the original's `time.sleep(10)` on `datetime.time` raises AttributeError ⇒ 500; the port
 * replicates the 500, without a sleep). Static catalogue: connection refused, timeout, and bookings,
 * movies {500, 404}: 4 faults per call.
 *
 * Buggy, fail-fast, dynamic reduction on: the stack is LIFO, so the 4 faults on users → movies (pushed
 * last) run first (executions 2-5), then the faults on users → bookings in reverse order: 404, 500, Timeout,
 * each followed by its 4 combinations with a fault on users → movies (3 × 5 = 15: executions 6-20; users
 * falls back to the default bookings and still calls movies), then execution 21 = ECONNREFUSED on users →
 * bookings, which answers 500 ∉ {503, 404}: the test fails and exploration stops there (21 ran, 0 pruned).
 *
 * Fixed (CINEMA_12_FIXED=1: fall back to the default bookings at once, as intended), the full exploration:
 * 1 fault-free + 4 on bookings + 4 on movies + 4 × 4 on both = 25 ran, no failure, nothing pruned (every
 * fault on bookings is absorbed by the default, so users → movies is always called and every combination
 * gives users' children a pair of outcomes not seen together before) — cinema-5's figure.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, counts, exploreApp, replay, reproduced } from './corpus-helpers.js';
import { DIST, ROOT, run, tempDir } from './helpers.js';

test('cinema-12, static catalogue, fail-fast: fails at execution 21 on ECONNREFUSED on users → bookings; the counterexample replays, and passes fixed', async () => {
  const outputDir = tempDir();
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests', 'cinema-12.js') },
    servicesConfig: join(ROOT, 'corpus', 'cinema-12', 'services.json'),
    catalogue: catalogueFor('cinema-12', 'static'),
    dynamicReduction: true,
    failFast: true,
    outputDir,
  });
  assert.deepEqual(counts(outcome), { ran: 21, pruned: 0, failing: 1 });
  assert.equal(outcome.failing.length, 1);
  const failing = outcome.failing[0].result;
  assert.equal(failing.number, 21);
  assert.equal(failing.verdict, 'fail');
  assert.deepEqual(
    failing.faults.map((f) => f.description),
    ['node.ECONNREFUSED on users → bookings (GET /bookings/chris_rivers)'],
  );
  assert.match(failing.detail ?? '', /status 500/);
  assert.equal(failing.counterexample, 'counterexamples/execution-21.json');
  assert.ok(existsSync(join(outputDir, failing.counterexample)), 'counterexample file written');
  const again = await replay(outcome, failing);
  assert.ok(reproduced(again), again.stdout + again.stderr);
  assert.match(again.stdout, /status 500/);
  // Negative control: the fixed error path answers the refusal, so the same fault set passes.
  const fixed = await replay(outcome, failing, ['CINEMA_12_FIXED=1']);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
});

test('cinema-12 fixed (CINEMA_12_FIXED=1): the full exploration passes, 25 ran', async () => {
  const outcome = await exploreApp({ app: 'cinema-12', catalogue: 'static', dynamicReduction: true, serviceEnv: { CINEMA_12_FIXED: '1' } });
  assert.deepEqual(counts(outcome), { ran: 25, pruned: 0, failing: 0 });
  assert.equal(outcome.failing.length, 0);
});
