/**
 * cinema-3 (retry: users tries bookings twice, bookings → movies): the published figures (corpus.md §2).
 * Static catalogue (ECONNREFUSED, Timeout, then bookings {500, 404, 503}, movies {500, 404}): 91 ran
 * without dynamic reduction, 37 with it. Status-only (500/502/503/504) with dynamic reduction: 27 (38 pruned, our figure; the 45 pruned with the static catalogue is published).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-3, static catalogue: 91 ran without dynamic reduction, 37 with it, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-3', catalogue: 'static', dynamicReduction: false })), { ran: 91, pruned: 0, failing: 0 });
  const dr = counts(await exploreApp({ app: 'cinema-3', catalogue: 'static', dynamicReduction: true }));
  assert.deepEqual(dr, { ran: 37, pruned: 45, failing: 0 });
});

test('cinema-3, status-only catalogue: 27 ran with dynamic reduction', async () => {
  const c = counts(await exploreApp({ app: 'cinema-3', catalogue: 'status-only', dynamicReduction: true }));
  assert.deepEqual(c, { ran: 27, pruned: 38, failing: 0 });
});
