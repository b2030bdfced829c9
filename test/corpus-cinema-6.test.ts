/**
 * cinema-6 (fallback replica: users → bookings-primary, on any failure → bookings-secondary, then
 * users → movies): the published figures (corpus.md §2).
 * Static catalogue (4 faults per call): 1 fault-free + 4 on movies + 4 on primary, each followed by
 * secondary (4 faults each = 16) and, secondary answering, movies (4 each = 16) = 41, with or without
 * dynamic reduction (no pruning). Status-only (4 codes): the same shape, 1 + 4 + 4 + 16 + 16 = 41.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-6, static catalogue: 41 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-6', catalogue: 'static', dynamicReduction: true })), { ran: 41, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-6', catalogue: 'static', dynamicReduction: false })), { ran: 41, pruned: 0, failing: 0 });
});

test('cinema-6, status-only catalogue: 41 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-6', catalogue: 'status-only', dynamicReduction: true })), { ran: 41, pruned: 0, failing: 0 });
});
