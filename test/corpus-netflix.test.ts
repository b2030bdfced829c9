/**
 * netflix (10 services: mobile-client → api-gateway → user-profile, bookmarks [→ telemetry + trending],
 * my-list, user-recommendations [→ global-recommendations [→ trending]], ratings): the published figures
 * (corpus.md §2). Static catalogue: 1606 ran without dynamic reduction, 1603 with it (3 pruned: the status
 * codes on mobile-client → api-gateway). Status-only (500/502/503/504) with dynamic reduction: 2440,
 * of which 2 fail (502 and 504 on mobile-client → api-gateway: mobile-client's `.json()` on the empty
 * injected body ⇒ 500). 6 calls in the fault-free run. No failing execution with the static catalogue.
 * These runs are large (1.6k–2.4k executions, ≈50–65 s each on a 2-core machine).
 * The three runs are in three files (corpus-netflix, -reduction, -status-only) so that they run side by side.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('netflix, static catalogue without dynamic reduction: 1606 ran, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'netflix', catalogue: 'static', dynamicReduction: false })), { ran: 1606, pruned: 0, failing: 0 });
});
