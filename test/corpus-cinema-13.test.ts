/**
 * cinema-13 (retry storm: users tries bookings up to 10 times, sleeping a real 0.1 s after each attempt
 * made; a connection error, timeout or non-200 answer means "try again"; never successful ⇒ default
 * bookings; movies with a default; always 200 with Creed).
 *
 * Each of the 10 attempts is its own call identity in users (same method and URL, occurrence 1..10), so
 * a fault on attempt i makes attempt i+1 happen, and the faults compose. Static catalogue, 4 faults per
 * call (connection refused, timeout, 500, 404): an execution is a sequence of faults on attempts 1..j
 * (j = 0..10; 4^j choices), then a clean attempt j+1 (when j < 10), times the movies outcome (none or one
 * of 4 faults): 5 × Σ_{j=0..10} 4^j = 5 × (4^11 − 1)/3 = 6,990,505 executions without reduction — the
 * "~5^10 paths" of the corpus note (≈ 9.8 M, counting 5 outcomes per attempt) — each taking 0.1 to 1 s
 * of real sleep. Only a bound makes it usable (Filibuster's NUM_TESTS; our maxTests / --max-tests).
 *
 * Here: maxTests 50. The run stops at 50 executions, reports it was cut short (complete false, the stop
 * reason names --max-tests, scheduled executions left unexplored) and every execution that ran passed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, counts } from './corpus-helpers.js';
import { DIST, ROOT, run } from './helpers.js';

test('cinema-13, static catalogue bounded by maxTests 50: cut short, every execution that ran passed', async () => {
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests', 'cinema-13.js') },
    servicesConfig: join(ROOT, 'corpus', 'cinema-13', 'services.json'),
    catalogue: catalogueFor('cinema-13', 'static'),
    dynamicReduction: true,
    failFast: false,
    maxTests: 50,
  });
  const r = outcome.results;
  assert.equal(r.complete, false);
  assert.match(String(r.stop_reason), /--max-tests/);
  assert.ok(r.counts.not_explored > 0, `not_explored ${r.counts.not_explored}`);
  assert.equal(r.counts.ran, 50);
  assert.equal(counts(outcome).failing, 0);
  assert.equal(r.counts.passed, 50);
});
