/**
 * cinema-7 (health check: users → bookings-primary /health-check, then primary if no exception
 * else secondary, then movies): the published figures (corpus.md §2).
 * Static catalogue: 1 fault-free + 4 on the health check + 4 on primary + 4 on movies; the 2 exceptions
 * on the health check route to secondary (2×4) then movies (2×4); its 500/404 still count as healthy, so
 * primary (2×4) then movies (2×4): 1 + 12 + 32 = 45, with or without dynamic reduction (no pruning).
 * Status-only (4 codes, no exceptions): every health-check fault is "healthy": 1 + 12 + 4×4 + 4×4 = 45.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('cinema-7, static catalogue: 45 ran, with and without dynamic reduction, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-7', catalogue: 'static', dynamicReduction: true })), { ran: 45, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-7', catalogue: 'static', dynamicReduction: false })), { ran: 45, pruned: 0, failing: 0 });
});

test('cinema-7, status-only catalogue: 45 ran with dynamic reduction', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'cinema-7', catalogue: 'status-only', dynamicReduction: true })), { ran: 45, pruned: 0, failing: 0 });
});
