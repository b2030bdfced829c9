/**
 * cinema-8 (monolith + retry: api-server → monolith, up to two tries): the published figures
 * (corpus.md §2). Static catalogue (4 faults per call): 1 fault-free + 4 on the first try, each followed
 * by a second try (distinct execution index) with 4 faults of its own (16) = 21, with or without
 * dynamic reduction (no pruning). Status-only (4 codes): the same 1 + 4 + 16 = 21.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-8, static catalogue: 21 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-8', catalogue: 'static', dynamicReduction: true })), { ran: 21, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-8', catalogue: 'static', dynamicReduction: false })), { ran: 21, pruned: 0, failing: 0 });
});

test('cinema-8, status-only catalogue: 21 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-8', catalogue: 'status-only', dynamicReduction: true })), { ran: 21, pruned: 0, failing: 0 });
});
