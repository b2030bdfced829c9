/**
 * Acceptance 2: `--max-faults 1` on netflix explores exactly 1 + Σ (faults per call) executions.
 *
 * Derived by hand before running, from the fault-free run's calls (corpus/netflix/README.md: 6 calls) and
 * the static catalogue (the analyser's --compat output for corpus/netflix):
 *   exception faults: node.ECONNREFUSED on every call, node.Timeout on calls with a timeout: every one of
 *   the 6 has one (55 s / 15 s), so 2 per call;
 *   error faults, by callee: api-gateway {500, 503, 404} = 3; user-profile, bookmarks, my-list,
 *   user-recommendations, ratings {500, 404} = 2 each.
 *     mobile-client → api-gateway         2 + 3 = 5
 *     api-gateway → user-profile          2 + 2 = 4
 *     api-gateway → bookmarks             2 + 2 = 4
 *     api-gateway → my-list               2 + 2 = 4
 *     api-gateway → user-recommendations  2 + 2 = 4
 *     api-gateway → ratings               2 + 2 = 4
 *   Σ = 25, so 1 + 25 = 26 executions. The fallback calls (telemetry, trending, global-recommendations)
 *   only happen under a fault, so faulting them needs two faults: never generated with K = 1.
 * Without dynamic reduction all 26 run. With it (the default) the 3 status faults on mobile-client →
 * api-gateway are pruned, as in the full run (1603 ran / 3 pruned): single faults on user-profile already
 * made api-gateway answer 503 (connection refused ⇒ 503), 500 and 404. So 23 ran + 3 pruned = 26.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, staticCatalogueFile } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const NETFLIX = {
  test: { kind: 'module' as const, value: join(DIST, 'functional-tests/netflix.js') },
  servicesConfig: join(ROOT, 'corpus/netflix/services.json'),
  catalogue: catalogueFor('netflix', 'static'),
};

test('netflix --max-faults 1 without dynamic reduction: 1 + 25 = 26 executions, each with at most one fault', async () => {
  const outcome = await run({ ...NETFLIX, dynamicReduction: false, maxFaults: 1 });
  const r = outcome.results;
  assert.equal(r.executions[0].calls, 6, 'the derivation assumes 6 fault-free calls');
  assert.equal(r.counts.ran, 26);
  assert.equal(r.counts.pruned, 0);
  assert.ok(r.executions.every((e) => e.faults.length <= 1));
  assert.equal(r.counts.not_explored, 0);
  assert.ok(r.counts.beyond_max_faults > 0, 'pairs were discovered and dropped');
  assert.equal(r.complete, false, 'a bounded run never reads as complete');
});

test('netflix --max-faults 1 from the CLI, with dynamic reduction: 23 ran + 3 pruned = 26; the summary says what was bounded', async () => {
  const dir = tempDir();
  const r = await cli([
    '--test-module', NETFLIX.test.value,
    '--services', NETFLIX.servicesConfig,
    '--analysis-file', staticCatalogueFile('netflix'),
    '--max-faults', '1',
    '--port', '0', '--output-dir', dir,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.deepEqual([results.counts.ran, results.counts.pruned], [23, 3]);
  assert.deepEqual(
    results.executions.filter((e: { status: string }) => e.status === 'pruned').map((e: { faults: { description: string }[] }) => e.faults[0].description.replace(/ \(.*\)$/, '')).sort(),
    ['404 on mobile-client → api-gateway', '500 on mobile-client → api-gateway', '503 on mobile-client → api-gateway'],
  );
  assert.match(r.stdout, new RegExp(`Explored 23, pruned 3, not explored 0 \\(\\+ never generated: ${results.counts.beyond_max_faults} beyond --max-faults\\)\\.`));
  assert.match(r.stdout, /Bounded: \d+ fault set\(s\) of more than 1 fault\(s\) were never generated \(--max-faults 1\)/);
});
