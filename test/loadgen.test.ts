/**
 * loadgen: one fault set replayed under concurrent load, each run its own execution. On the tutorial,
 * the counterexample (connection refused on foo → bar) fails every run of the buggy variant and none of
 * the fixed one; runs never mix their calls (a run without the fault would pass on the buggy variant).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { percentile } from '../orchestrator/run/loadgen.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

test('nearest-rank percentiles', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.deepEqual([percentile(v, 0), percentile(v, 50), percentile(v, 90), percentile(v, 99), percentile([], 50)], [1, 5, 9, 10, 0]);
});

test('the tutorial counterexample under load: 100 % failures when buggy, 0 % when fixed', async () => {
  const outputDir = tempDir();
  const services = join(ROOT, 'corpus/foo-bar-baz/services.json');
  await run({ test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') }, servicesConfig: services, outputDir });

  // From execution 11 of that run: the fault set, the test and the services come from its results.json.
  const buggy = await cli(['loadgen', '--execution', '11', '--output-dir', outputDir, '--concurrency', '4', '--requests', '16']);
  assert.equal(buggy.code, 1, buggy.stderr);
  assert.match(buggy.stdout, /^\s+16\s+16\s+0\s+16\s+100\.0 %/m);
  assert.match(buggy.stdout, /expected 503 under a fault, got 500/);

  const fixed = await cli(['loadgen', '--execution', '11', '--output-dir', outputDir, '--concurrency', '4', '--requests', '16', '--service-env', 'TUTORIAL_FIXED=1']);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /^\s+16\s+16\s+16\s+0\s+0\.0 %/m);
});

test('loadgen without a fault set: usage error', async () => {
  const r = await cli(['loadgen', '--concurrency', '2', '--requests', '2', '--output-dir', tempDir()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /give --counterexample-file F or --execution N/);
});
