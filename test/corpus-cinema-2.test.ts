/**
 * cinema-2 (chain: users → bookings → movies): the published figures (corpus.md §2).
 * Static catalogue (ECONNREFUSED, Timeout, then bookings {500, 404, 503}, movies {500, 404}): 10 ran
 * without dynamic reduction (1 + 5 on users → bookings + 4 on bookings → movies), 9 with it: the 503 on
 * users → bookings is pruned, since a fault on bookings → movies already made bookings answer 503.
 * Status-only (500/502/503/504) with dynamic reduction: 8 (1 pruned).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-2, static catalogue: 10 ran without dynamic reduction, 9 with it, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-2', catalogue: 'static', dynamicReduction: false })), { ran: 10, pruned: 0, failing: 0 });
  const dr = counts(await exploreApp({ app: 'cinema-2', catalogue: 'static', dynamicReduction: true }));
  assert.deepEqual(dr, { ran: 9, pruned: 1, failing: 0 });
});

test('cinema-2, status-only catalogue: 8 ran with dynamic reduction', async () => {
  const c = counts(await exploreApp({ app: 'cinema-2', catalogue: 'status-only', dynamicReduction: true }));
  assert.deepEqual(c, { ran: 8, pruned: 1, failing: 0 });
});
