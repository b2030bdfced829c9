/**
 * cinema-11 (library circuit breaker: each of users' two calls wrapped in a breaker with PyPI
 * `circuitbreaker`'s defaults, corpus/cinema-11/circuitbreaker.ts; every failure falls back to a default,
 * so the answer is always 200).
 *
 * With the reset (services.json: users `betweenExecutions: { reset: "/__reset" }`) both breakers start
 * every execution closed with no failure. Within one execution each breaker sees at most one call, so at
 * most 1 consecutive failure: the threshold (5) is never reached and the structure is cinema-5's.
 * Static catalogue, 4 faults per call (connection refused, timeout, 500, 404):
 * 1 fault-free + 4 on bookings + 4 on movies + 4×4 on both = (1+4)² = 25 ran, none pruned, none failing.
 *
 * Without the reset (services-stateful.json) the breakers carry over: only connection errors and
 * timeouts count (a 500/404 answer is a success that closes the breaker), and they must be consecutive.
 * Observed (static catalogue, dynamic reduction; LIFO order): the 5 executions "Timeout on bookings"
 * (alone, then with each of the 4 movies faults) are consecutive, so the bookings breaker opens after the
 * 20th execution; in the 21st (connection refused on bookings) the call is not made (CircuitBreakerError
 * ⇒ default), its planned fault is not injected: inconclusive; the 4 executions adding a movies fault to
 * it were pruned. 21 ran, 4 pruned, 1 inconclusive, until the run learnt to notice it (run/kept-state.ts): the
 * call not made with no fault to explain it, users is restarted before every execution from then on, the
 * execution is run again on the fresh service, and the exploration is the reset run's.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, counts, exploreApp } from './corpus-helpers.js';
import { DIST, faultSets, ROOT, run } from './helpers.js';

test('cinema-11, with the breakers reset between executions: deterministic, 25 ran, no failure', async () => {
  const first = await exploreApp({ app: 'cinema-11', catalogue: 'static', dynamicReduction: true });
  const second = await exploreApp({ app: 'cinema-11', catalogue: 'static', dynamicReduction: true });
  assert.deepEqual(counts(first), { ran: 25, pruned: 0, failing: 0 });
  assert.equal(first.results.counts.inconclusive, 0);
  assert.deepEqual(faultSets(second), faultSets(first));
});

test('cinema-11, without the reset: the run sees the state kept between executions, restarts the service before each execution from then on, and explores what the reset run explores', async () => {
  const reset = await exploreApp({ app: 'cinema-11', catalogue: 'static', dynamicReduction: true });
  const said: string[] = [];
  const stateful = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests', 'cinema-11.js') },
    servicesConfig: join(ROOT, 'corpus', 'cinema-11', 'services-stateful.json'),
    catalogue: catalogueFor('cinema-11', 'static'),
    dynamicReduction: true,
    failFast: false,
    order: 'dfs', // the corpus's order and identity, as exploreApp gives the reset run
    log: (m) => said.push(m),
  });
  assert.ok(said.some((m) => /keeps state between executions: .* restarted before every execution from now on/.test(m)), said.join('\n'));
  assert.deepEqual(faultSets(stateful), faultSets(reset));
  assert.equal(stateful.results.counts.inconclusive, 0);
});
