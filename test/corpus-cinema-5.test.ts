/**
 * cinema-5 (default responses: users → bookings, then users → movies, every failure replaced by a
 * default, so both calls always happen): the published figures (corpus.md §2).
 * Static catalogue (4 faults per call: connection refused, timeout, 500, 404):
 * 1 fault-free + 4 on bookings + 4 on movies + 4×4 on both = 25, with or without dynamic reduction
 * (no pruning: every combination is new). Status-only (500/502/503/504): the same 1 + 4 + 4 + 16 = 25.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-5, static catalogue: 25 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-5', catalogue: 'static', dynamicReduction: true })), { ran: 25, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-5', catalogue: 'static', dynamicReduction: false })), { ran: 25, pruned: 0, failing: 0 });
});

test('cinema-5, status-only catalogue: 25 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-5', catalogue: 'status-only', dynamicReduction: true })), { ran: 25, pruned: 0, failing: 0 });
});
