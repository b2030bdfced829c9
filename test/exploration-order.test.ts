/**
 * Acceptance 1 and the by-size order with dynamic reduction, on corpus applications (real services).
 *
 * The reduction rule is the same in both orders: a scheduled execution is pruned only on the evidence of
 * an execution that has actually run (never a pruned or merely scheduled one) whose outcomes at every
 * service boundary of its prefix are the planned ones. Whatever the order, that evidence means the pruned
 * execution cannot show new behaviour (the original's service-encapsulation argument does not depend on
 * when the evidence was collected), so pruning stays sound; the order only decides which evidence exists
 * when an execution comes up, so counts may differ. By-size keeps the original's last-pushed-first order
 * within one size, which runs the faults on downstream calls before those on the calls that reach them: on
 * cinema-3 that gives as much pruning as dfs (37 ran, 45 pruned over the same 82 fault sets), though not
 * of the same executions: dfs prunes a 503 on users → bookings that by-size runs, and vice versa.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueFor, counts, exploreApp, staticCatalogueFile } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

interface Execution {
  status: string;
  faults: { description: string }[];
  calls?: number;
}

test('cinema-13 --max-tests 50 --order by-size: every single fault runs before any pair; the summary says how many were not explored', async () => {
  const dir = tempDir();
  const r = await cli([
    '--test-module', join(DIST, 'functional-tests/cinema-13.js'),
    '--services', join(ROOT, 'corpus/cinema-13/services.json'),
    '--analysis-file', staticCatalogueFile('cinema-13'),
    '--max-tests', '50', '--order', 'by-size',
    '--port', '0', '--output-dir', dir,
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  const executions = results.executions as Execution[];
  assert.equal(executions.length, 50);
  const sizes = executions.map((e) => e.faults.length);
  for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i - 1] <= sizes[i], `execution ${i + 1} (${sizes[i]} faults) after one with ${sizes[i - 1]}`);
  // Every single fault: the static catalogue gives 4 faults (connection refused, timeout, 500, 404) to each
  // call of the fault-free run (users → bookings, first attempt; users → movies), and all ran before a pair.
  const singles = executions.filter((e) => e.faults.length === 1);
  assert.equal(singles.length, 4 * executions[0].calls!);
  assert.equal(new Set(singles.map((e) => e.faults[0].description)).size, singles.length);
  assert.ok(sizes.includes(2), 'the budget was spent on pairs after the singles');
  const notExplored = results.counts.not_explored;
  assert.ok(notExplored > 0);
  assert.equal(results.complete, false);
  assert.ok(r.stdout.includes(`Explored ${results.counts.ran}, pruned ${results.counts.pruned}, not explored ${notExplored}.`), r.stdout);
  assert.ok(r.stdout.includes(`Stopped early: --max-tests 50 reached; ${notExplored} scheduled execution(s) not explored.`), r.stdout);
});

test('cinema-3 (retry loop), dynamic reduction in by-size order: sizes never decrease; 37 ran + 45 pruned over the same fault sets as dfs (which ones are pruned differs)', async () => {
  const options = {
    test: { kind: 'module' as const, value: join(DIST, 'functional-tests/cinema-3.js') },
    servicesConfig: join(ROOT, 'corpus/cinema-3/services.json'),
    catalogue: catalogueFor('cinema-3', 'static'),
  };
  const bySize = await run({ ...options, order: 'by-size' });
  assert.deepEqual(counts(bySize), { ran: 37, pruned: 45, failing: 0 });
  const sizes = bySize.results.executions.map((e) => e.faults.length);
  assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
  const dfs = await run(options);
  const sets = (o: typeof dfs) => o.results.executions.map((e) => e.faults.map((f) => f.description).join(' + ')).sort();
  assert.deepEqual(sets(bySize), sets(dfs), 'the same fault sets were run or pruned, in another order');
});

test('tutorial (foo → bar → baz) in by-size order with dynamic reduction: the same failure is found, 503 on foo → bar still pruned', async () => {
  const outcome = await exploreApp({ app: 'foo-bar-baz', catalogue: 'default', dynamicReduction: true });
  const bySize = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    order: 'by-size',
  });
  assert.deepEqual(counts(bySize), counts(outcome));
  assert.deepEqual(counts(bySize), { ran: 10, pruned: 1, failing: 1 });
  const failing = (o: typeof outcome) => o.failing.map((f) => f.result.faults.map((x) => x.description).join(' + '));
  assert.deepEqual(failing(bySize), failing(outcome));
  assert.deepEqual(bySize.results.executions.filter((e) => e.status === 'pruned').map((e) => e.faults[0].description), ['503 on foo → bar (GET /bar)']);
});
