/**
 * cinema-9 (hand-rolled circuit breaker: users skips a callee once its per-process history holds more
 * than 10 failures in the last 100 s; every failure falls back to a default, so the answer is always 200).
 *
 * With the reset (services.json: users `betweenExecutions: { reset: "/__reset" }`) every execution starts
 * with an empty history. Within one execution users makes at most one call to bookings and one to movies,
 * so each history gets at most 1 failure per execution: the threshold (> 10) is never reached and the
 * structure is cinema-5's. Static catalogue, 4 faults per call (connection refused, timeout, 500, 404):
 * 1 fault-free + 4 on bookings + 4 on movies + 4×4 on both = (1+4)² = 25 ran, none pruned, none failing.
 *
 * Without the reset (services-stateful.json) the history carries over: bookings is faulted in 20 of the
 * 25 executions, so after 11 failures (within 100 s) users stops calling bookings, and the executions
 * scheduled on that call cannot reproduce their prefix (inconclusive: non-determinism), and executions
 * disappeared or changed before the run learnt to notice it (run/kept-state.ts). Observed then (static catalogue,
 * dynamic reduction): 17 ran, 2 inconclusive — the movies history reaches 11 failures in execution 15
 * (its planned movies fault is not injected: the call is skipped), after which nothing is scheduled on
 * movies any more; the bookings history reaches 11 failures in execution 16, so execution 17's planned
 * bookings fault is not injected either. Now the call not made with no fault to explain it makes the run
 * restart the service before every execution from then on, and the exploration is the reset run's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, counts, exploreApp } from './corpus-helpers.js';
import { DIST, faultSets, ROOT, run } from './helpers.js';

test('cinema-9, with the history reset between executions: deterministic, 25 ran, no failure', async () => {
  const first = await exploreApp({ app: 'cinema-9', catalogue: 'static', dynamicReduction: true });
  const second = await exploreApp({ app: 'cinema-9', catalogue: 'static', dynamicReduction: true });
  assert.deepEqual(counts(first), { ran: 25, pruned: 0, failing: 0 });
  assert.equal(first.results.counts.inconclusive, 0);
  assert.deepEqual(faultSets(second), faultSets(first));
});

test('cinema-9, without the reset: the run sees the state kept between executions, restarts the service before each execution from then on, and explores what the reset run explores', async () => {
  const reset = await exploreApp({ app: 'cinema-9', catalogue: 'static', dynamicReduction: true });
  const said: string[] = [];
  const stateful = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests', 'cinema-9.js') },
    servicesConfig: join(ROOT, 'corpus', 'cinema-9', 'services-stateful.json'),
    catalogue: catalogueFor('cinema-9', 'static'),
    dynamicReduction: true,
    failFast: false,
    order: 'dfs', // the corpus's order and identity, as exploreApp gives the reset run
    log: (m) => said.push(m),
  });
  assert.ok(said.some((m) => /keeps state between executions: .* restarted before every execution from now on/.test(m)), said.join('\n'));
  assert.deepEqual(faultSets(stateful), faultSets(reset));
  assert.equal(stateful.results.counts.inconclusive, 0);
});
