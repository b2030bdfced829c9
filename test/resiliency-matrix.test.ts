/**
 * The resiliency matrix reads each fault's edge as results.json records it (caller, callee), not from the
 * fault's description; files without recorded edges (runs resumed from an older journal) still give the
 * same matrix, read from the descriptions. Real explorations of corpus apps: the tutorial (foo → bar → baz)
 * and cinema-4, whose outside hosts run no instrumentation, so only the caller names them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resiliencyMatrix } from '../orchestrator/results/report/matrix.js';
import type { ExecutionResult, FaultEntry, RunResults } from '../orchestrator/results/run-results.js';
import { catalogueFor } from './corpus-helpers.js';
import { DIST, ROOT, run } from './helpers.js';

async function tutorial(fixed: boolean): Promise<RunResults> {
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
    serviceEnv: fixed ? { TUTORIAL_FIXED: '1' } : {},
  });
  return outcome.results;
}

/** The same results with every fault entry rewritten. */
function withFaults(results: RunResults, rewrite: (f: FaultEntry) => FaultEntry): RunResults {
  return { ...results, executions: results.executions.map((e): ExecutionResult => ({ ...e, faults: e.faults.map(rewrite) })) };
}

const singleFault = (r: RunResults, n: number) => r.executions[n - 1].faults[0];

test('the buggy tutorial: each fault records its edge, and the matrix is built from it, not from the description', async () => {
  const results = await tutorial(false);
  assert.deepEqual(singleFault(results, 11).edge, { caller: 'foo', callee: 'bar' });
  assert.deepEqual(singleFault(results, 2).edge, { caller: 'bar', callee: 'baz' });
  // The pruned execution's fault is on a call of its prefix: its edge is known too.
  assert.equal(results.executions[6].status, 'pruned');
  assert.deepEqual(singleFault(results, 7).edge, { caller: 'foo', callee: 'bar' });

  const m = resiliencyMatrix(results);
  assert.deepEqual(m.edges, ['foo → bar', 'bar → baz']);
  assert.equal(m.cells['foo GET /foo']['foo → bar'].state, 'down');
  assert.equal(m.cells['foo GET /foo']['bar → baz'].state, 'degraded');
  assert.deepEqual(m.cells['foo GET /foo']['bar → baz'].executions, [2, 3, 4, 5, 6]);

  // Descriptions that name no edge change nothing while the edges are recorded...
  const opaque = withFaults(results, (f) => ({ ...f, description: 'a fault' }));
  assert.deepEqual(resiliencyMatrix(opaque), m);
  // ...and without the recorded edges they leave every fault out of the matrix: the edge is what it reads.
  const neither = withFaults(opaque, ({ edge: _edge, ...f }) => f);
  assert.deepEqual(resiliencyMatrix(neither).cells['foo GET /foo']['foo → bar'], { state: 'untested', executions: [] });
});

test('results without recorded edges (an older journal resumed) give the same matrix, read from the descriptions', async () => {
  const results = await tutorial(false);
  const old = withFaults(results, ({ edge: _edge, ...f }) => f);
  assert.ok(old.executions.every((e) => e.faults.every((f) => f.edge === undefined)));
  assert.deepEqual(resiliencyMatrix(old), resiliencyMatrix(results));
});

test('resiliency matrix of the fixed tutorial: every edge degraded (foo answers 503), none down', async () => {
  const m = resiliencyMatrix(await tutorial(true));
  assert.deepEqual(m.entryPoints, ['foo GET /foo']);
  assert.deepEqual(m.edges, ['foo → bar', 'bar → baz']);
  assert.equal(m.cells['foo GET /foo']['foo → bar'].state, 'degraded');
  assert.equal(m.cells['foo GET /foo']['bar → baz'].state, 'degraded');
  // The 503 on foo → bar was pruned, the other four single faults on that edge ran.
  assert.deepEqual(m.cells['foo GET /foo']['foo → bar'].executions, [7, 8, 9, 10, 11]);
});

test('cinema-4: an uninstrumented outside host is the callee its caller named, and has its column', async () => {
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/cinema-4.js') },
    servicesConfig: join(ROOT, 'corpus/cinema-4/services.json'),
    catalogue: catalogueFor('cinema-4', 'static'),
    maxFaults: 1,
  });
  const results = outcome.results;
  const outside = results.executions.flatMap((e) => e.faults).filter((f) => /→ (imdb|fandango|rottentomatoes) /.test(f.description));
  assert.deepEqual(
    [...new Set(outside.map((f) => JSON.stringify(f.edge)))].sort(),
    [
      { caller: 'bookings', callee: 'fandango' },
      { caller: 'movies', callee: 'rottentomatoes' },
      { caller: 'users', callee: 'imdb' },
    ].map((e) => JSON.stringify(e)),
  );
  const m = resiliencyMatrix(results);
  const [entry] = m.entryPoints;
  // users ignores the outcome of its HEAD to imdb: refused, the test still passes with the same answer.
  assert.equal(m.cells[entry]['users → imdb'].state, 'up');
  assert.equal(m.cells[entry]['users → imdb'].executions.length, 1);
  assert.equal(m.cells[entry]['users → bookings'].executions.length, 5);
});

/** A ran execution with the given verdict, fault edge and call tree. */
function ran(number: number, verdict: ExecutionResult['verdict'], edge?: [string, string], extra: Partial<ExecutionResult> = {}): ExecutionResult {
  const faults: FaultEntry[] = edge ? [{ description: `503 on ${edge[0]} → ${edge[1]} (GET /x)`, execution_index: '[]', edge: { caller: edge[0], callee: edge[1] } }] : [];
  return { number, status: 'ran', verdict, faults, ...extra };
}

test('matrix: crashes read crash (also through a pruned execution), edges an entry point never called read as a dash, entry paths are templated', () => {
  const entry = [
    { service: 'accounts', method: 'GET', path: '/accounts/5f0c1a2e-9d1b-4c7e-8a55-0b8f7f1e2d3c', template: '/accounts/:id', status: 200, body_md5: 'a', root_sequence: 0 },
    { service: 'billing', method: 'POST', path: '/invoices', status: 201, body_md5: 'b', root_sequence: 1 },
  ];
  const tree = [
    { depth: 0, source: 'accounts', target: 'bus', method: 'POST', path: '/events', outcome: '202', root: 0 },
    { depth: 0, source: 'billing', target: 'ledger', method: 'POST', path: '/entries', outcome: '201', root: 1 },
    { depth: 1, source: 'ledger', target: 'bus', method: 'POST', path: '/events', outcome: '202', root: 1 },
  ];
  const results = {
    executions: [
      ran(1, 'pass', undefined, { entry, tree }),
      ran(2, 'crash', ['accounts', 'bus'], { entry, tree }),
      { number: 3, status: 'pruned', pruned_as: 2, faults: ran(0, 'pass', ['accounts', 'bus']).faults },
      ran(4, 'pass', ['billing', 'ledger'], { entry: [entry[0], { ...entry[1], status: 503, body_md5: 'c' }], tree }),
      { number: 5, status: 'pruned', faults: ran(0, 'pass', ['ledger', 'bus']).faults },
    ],
  } as unknown as RunResults;
  const m = resiliencyMatrix(results);
  assert.deepEqual(m.entryPoints, ['accounts GET /accounts/:id', 'billing POST /invoices']);
  assert.deepEqual(m.cells['accounts GET /accounts/:id']['accounts → bus'], { state: 'crash', executions: [2, 3] });
  assert.equal(m.cells['billing POST /invoices']['accounts → bus'].state, 'none');
  assert.equal(m.cells['accounts GET /accounts/:id']['billing → ledger'].state, 'none');
  assert.equal(m.cells['billing POST /invoices']['billing → ledger'].state, 'degraded');
  // A pruned execution that names no execution it was pruned as stays "pruned".
  assert.equal(m.cells['billing POST /invoices']['ledger → bus'].state, 'pruned');

  // Without roots (Python services, older files) no call can be placed under an entry point: no dashes.
  const rootless = { executions: results.executions.map((e) => ({ ...e, tree: e.tree?.map(({ root: _root, ...n }) => n) })) } as RunResults;
  assert.equal(resiliencyMatrix(rootless).cells['billing POST /invoices']['accounts → bus'].state, 'crash');
});

test('a real run records which of the test requests each call served, and the matrix places every call under one', async () => {
  const results = await tutorial(false);
  const faultFree = results.executions[0];
  assert.deepEqual(faultFree.entry?.map((e) => e.root_sequence), [0]);
  assert.ok(faultFree.tree!.length > 0);
  assert.ok(faultFree.tree!.every((n) => n.root === 0), JSON.stringify(faultFree.tree));
  assert.ok(Object.values(resiliencyMatrix(results).cells['foo GET /foo']).every((c) => c.state !== 'none'));
});
