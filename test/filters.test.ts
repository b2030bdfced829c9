/**
 * Acceptance 4: filters on mailchimp (static catalogue, without dynamic reduction so that the comparison
 * does not depend on which executions were pruned): excluding an edge removes exactly the executions whose
 * fault sets touch it, compared with the unfiltered run's list; a fault-type filter likewise. A fault set
 * that avoids the filtered faults is still generated, since every fault set is reached through its own
 * prefixes, which avoid them too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import type { FaultFilterSpec } from '../orchestrator/search/filters.js';
import { catalogueFor, exploreApp, staticCatalogueFile } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const MAILCHIMP = {
  test: { kind: 'module' as const, value: `${join(DIST, 'functional-tests/mailchimp.js')}#getUrl` },
  servicesConfig: join(ROOT, 'corpus/mailchimp/services.json'),
  catalogue: catalogueFor('mailchimp', 'static'),
  dynamicReduction: false,
};

/** Each execution's fault set in words, e.g. "500 on app-server → db-primary (GET /read) + ...". */
const faultSets = (o: ExplorationOutcome) => o.results.executions.map((e) => e.faults.map((f) => f.description).join(' + ')).sort();
const touches = (set: string, what: RegExp) => set.split(' + ').some((f) => what.test(f));

let unfiltered: ExplorationOutcome;
before(async () => {
  unfiltered = await exploreApp({ app: 'mailchimp', testExport: 'getUrl', catalogue: 'static', dynamicReduction: false });
  assert.equal(unfiltered.results.counts.ran, 135);
});

async function filtered(filters: FaultFilterSpec): Promise<ExplorationOutcome> {
  return run({ ...MAILCHIMP, filters });
}

test('excluding the edge app-server → db-primary removes exactly the executions whose fault sets touch it', async () => {
  const edge = / on app-server → db-primary /;
  const expected = faultSets(unfiltered).filter((s) => !touches(s, edge));
  const removed = faultSets(unfiltered).length - expected.length;
  assert.ok(removed > 0 && expected.length > 1);
  const outcome = await filtered({ exclude: { edges: ['app-server -> db-primary'] } });
  assert.deepEqual(faultSets(outcome), expected);
  assert.ok(outcome.results.counts.filtered_out > 0);
  assert.equal(outcome.results.complete, false, 'a filtered run does not read as the whole space');
});

test('fault-type filters: excluding node.Timeout, and including only 500, keep exactly the matching fault sets', async () => {
  const noTimeout = faultSets(unfiltered).filter((s) => !touches(s, /^node\.Timeout on /));
  assert.deepEqual(faultSets(await filtered({ exclude: { faults: ['node.Timeout'] } })), noTimeout);
  const only500 = faultSets(unfiltered).filter((s) => s === '' || s.split(' + ').every((f) => f.startsWith('500 on ')));
  assert.deepEqual(faultSets(await filtered({ include: { faults: ['500'] } })), only500);
});

test('--include-edge and --exclude-method from the CLI: the flags reach the explorer; results.json records them', async () => {
  const dir = tempDir();
  const r = await cli([
    '--test-module', MAILCHIMP.test.value, '--services', MAILCHIMP.servicesConfig,
    '--analysis-file', staticCatalogueFile('mailchimp'), '--disable-dynamic-reduction',
    '--include-edge', 'app-server->db-*', '--exclude-method', 'POST',
    '--port', '0', '--output-dir', dir,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  const sets = (results.executions as { faults: { description: string }[] }[]).map((e) => e.faults.map((f) => f.description).join(' + ')).sort();
  const expected = faultSets(unfiltered).filter((s) => s === '' || s.split(' + ').every((f) => / on app-server → db-(primary|secondary) \(GET /.test(f)));
  assert.deepEqual(sets, expected);
  assert.deepEqual(results.options.filters, { include: { edges: ['app-server->db-*'] }, exclude: { methods: ['POST'] } });
  assert.match(r.stdout, /Filtered: \d+ fault set\(s\) were never generated: their fault is filtered out\./);
});
