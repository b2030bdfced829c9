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
import { counts, exploreApp, replay, reproduced } from './corpus-helpers.js';

test('netflix, status-only catalogue with dynamic reduction: 2440 ran (2 failing: 502/504 on mobile-client → api-gateway, both replay)', async () => {
  // mobile-client answers `.json()` of any status other than 404/503/500: the empty body of an injected 502
  // or 504 does not parse ⇒ 500 ⇒ the test fails (corpus.md predicts it for the 502 of the default model).
  const outcome = await exploreApp({ app: 'netflix', catalogue: 'status-only', dynamicReduction: true });
  const c = counts(outcome);
  assert.equal(c.ran, 2440);
  assert.equal(c.failing, 2);
  const faulted = outcome.failing.map((f) => f.result.faults.map((x) => x.description.replace(/ \(.*\)$/, '')).join(' + ')).sort();
  assert.deepEqual(faulted, ['502 on mobile-client → api-gateway', '504 on mobile-client → api-gateway']);
  for (const f of outcome.failing) {
    const again = await replay(outcome, f.result);
    assert.ok(reproduced(again), again.stdout + again.stderr);
  }
});
