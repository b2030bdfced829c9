/**
 * cinema-1 (sequence: users → bookings, then users → movies): the published figures (corpus.md §2).
 * Static catalogue: 4 faults per call (connection refused, timeout, 500, 404): 1 + 4 + 4 = 9 with or
 * without dynamic reduction (a sequence allows no pruning). Status-only (500/502/503/504): 9.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-1, static catalogue: 9 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-1', catalogue: 'static', dynamicReduction: true })), { ran: 9, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-1', catalogue: 'static', dynamicReduction: false })), { ran: 9, pruned: 0, failing: 0 });
});

test('cinema-1, status-only catalogue: 9 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-1', catalogue: 'status-only', dynamicReduction: true })), { ran: 9, pruned: 0, failing: 0 });
});
