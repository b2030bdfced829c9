/**
 * Acceptance 2: the closed forms of the original's search (filibuster-python §4.5, §13) on small fixture
 * applications, which no tutorial-specific shortcut can fake. Five faults per call with the default
 * catalogue (connection refused, timeout, 500, 502, 503).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { run } from './helpers.js';

const TEST = { kind: 'module' as const, value: TEST_MODULE };

test('two independent calls with fallbacks: (1 + 5)² = 36, nothing prunable', async () => {
  const servicesConfig = chainConfig({
    a: [
      { to: 'b', onFailure: 'fallback' },
      { to: 'c', onFailure: 'fallback' },
    ],
    b: [],
    c: [],
  });
  const outcome = await run({ test: TEST, servicesConfig });
  assert.equal(outcome.results.counts.ran, 36);
  assert.equal(outcome.results.counts.pruned, 0);
  assert.equal(outcome.failing.length, 0);
});

test('a 2-attempt retry in the root service: 1 + 5 + 5·5 = 31', async () => {
  const servicesConfig = chainConfig({ a: [{ to: 'b', attempts: 2, onFailure: 'propagate' }], b: [] });
  const outcome = await run({ test: TEST, servicesConfig });
  assert.equal(outcome.results.counts.ran, 31);
  assert.equal(outcome.results.counts.pruned, 0);
});

test('a retry nested in a downstream service: 36 (each attempt its own identity), 11 with --ei-compat', async () => {
  const topology = {
    a: [{ to: 'b', onFailure: 'propagate' as const }],
    b: [{ to: 'c', attempts: 2, onFailure: 'propagate' as const }],
    c: [],
  };
  const ours = await run({ test: TEST, servicesConfig: chainConfig(topology), dynamicReduction: false });
  // 1 + 5 (a → b) + 5 (b → c, first attempt) + 5·5 (second attempt, after each first-attempt fault).
  assert.equal(ours.results.counts.ran, 36);

  // The original restarts counters in downstream services: both attempts share one identity, so a fault
  // planned on it hits both, and the second attempt never gets faults of its own: 1 + 5 + 5 = 11.
  const compat = await run({ test: TEST, servicesConfig: chainConfig(topology), dynamicReduction: false, eiCompat: true });
  assert.equal(compat.results.counts.ran, 11);

  // With dynamic reduction the original measured 10 ran + 1 pruned on this structure.
  const compatReduced = await run({ test: TEST, servicesConfig: chainConfig(topology), eiCompat: true });
  assert.deepEqual([compatReduced.results.counts.ran, compatReduced.results.counts.pruned], [10, 1]);
});
