/**
 * audible (9 services, depth 3: audible-app → CDE, then audible-app → CDS → {ADS → ownership, activation,
 * stats (ignored)}, asset-metadata, audio-assets): the published figures (corpus.md §2).
 * Static catalogue: 69 ran without dynamic reduction, 31 with (38 pruned). Status-only with dynamic
 * reduction: 30. 8 calls in the fault-free run. No failing execution. BAD_METADATA=1: the fault-free run
 * already fails (asset-metadata 404 ⇒ CDS 404 ⇒ 404), so nothing is explored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';

test('audible, static catalogue without dynamic reduction: 69 ran, no failure', async () => {
  assert.deepEqual(counts(await exploreApp({ app: 'audible', catalogue: 'static', dynamicReduction: false })), { ran: 69, pruned: 0, failing: 0 });
});

test('audible, static catalogue with dynamic reduction: 31 ran, 38 pruned, no failure; 8 fault-free calls', async () => {
  const outcome = await exploreApp({ app: 'audible', catalogue: 'static', dynamicReduction: true });
  assert.deepEqual(counts(outcome), { ran: 31, pruned: 38, failing: 0 });
  const faultFree = outcome.results.executions.find((e) => e.status === 'ran' && e.faults.length === 0);
  assert.equal(faultFree?.calls, 8);
});

test('audible, status-only catalogue with dynamic reduction: 30 ran', async () => {
  const c = counts(await exploreApp({ app: 'audible', catalogue: 'status-only', dynamicReduction: true }));
  assert.equal(c.ran, 30);
  assert.equal(c.failing, 0);
});

test('audible with BAD_METADATA=1: the fault-free run fails, nothing is explored', async () => {
  const outcome = await exploreApp({ app: 'audible', catalogue: 'static', dynamicReduction: true, serviceEnv: { BAD_METADATA: '1' } });
  assert.match(outcome.results.stop_reason, /the test fails without any fault/);
  const c = counts(outcome);
  assert.equal(c.ran, 1);
  assert.equal(c.pruned, 0);
});
