/**
 * A corpus application explored with a user's OpenTelemetry tracing in its services (the NodeSDK with every
 * auto-instrumentation, corpus/otel-traced/tracing.ts), loaded before our preload and after it: the
 * published counts and the fault sets of the run without it, execution by execution. The exporter sends to
 * a port nobody listens on: its failing calls must stay out of the fault space too.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { counts, exploreApp } from './corpus-helpers.js';
import { DIST, faultSets } from './helpers.js';

const TRACING = join(DIST, 'corpus/otel-traced/tracing.js');

test('cinema-3 (retries, dynamic reduction) explores the same with OpenTelemetry loaded before or after us', async () => {
  const plain = await exploreApp({ app: 'cinema-3', catalogue: 'static', dynamicReduction: true });
  assert.deepEqual(counts(plain), { ran: 37, pruned: 45, failing: 0 });
  for (const [order, preload] of [
    ['before', `--require "${TRACING}"`],
    ['after', `--import "${TRACING}"`],
  ] as const) {
    const traced = await exploreApp({ app: 'cinema-3', catalogue: 'static', dynamicReduction: true, serviceEnv: { NODE_OPTIONS: preload, OTEL_COLLECTOR_URL: 'http://127.0.0.1:1' } });
    assert.deepEqual(counts(traced), counts(plain), `${order}: counts`);
    assert.deepEqual(faultSets(traced), faultSets(plain), `${order}: fault sets`);
  }
});
