/**
 * expedia (api-gateway → review-ml, fallback api-gateway → review-time): the published figures (corpus.md §2).
 * Static catalogue: 4 faults on review-ml (connection refused, timeout, 500, 404); the 404 ends the request,
 * the three others fall back to review-time, which gets 4 faults each: 1 + 4 + 3×4 = 17, no pruning.
 * Status-only (500/502/503/504): 1 + 4 + 4×4 = 21 with dynamic reduction.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('expedia, static catalogue: 17 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'expedia', catalogue: 'static', dynamicReduction: false })), { ran: 17, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'expedia', catalogue: 'static', dynamicReduction: true })), { ran: 17, pruned: 0, failing: 0 });
});

test('expedia, status-only catalogue: 21 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'expedia', catalogue: 'status-only', dynamicReduction: true })), { ran: 21, pruned: 0, failing: 0 });
});
