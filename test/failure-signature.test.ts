/**
 * Failure signatures (run/failure-signature.ts) and the grouping triage makes with them when it is cut
 * short: executions not minimised are grouped by entry point, verdict, normalised error and faulted edges,
 * each group shown by one example; a single fault needs no reduction and stays a minimal group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryPoint, errorLine, failureSignature, faultedEdges, normaliseError, signatureInWords, signatureKey, templatePath } from '../orchestrator/run/failure-signature.js';
import { triage, type FailingExecution } from '../orchestrator/run/triage.js';
import type { FaultEntry } from '../orchestrator/results/run-results.js';
import type { Failure } from '../orchestrator/search/model.js';

test('errors: ids, numbers, addresses and ports become placeholders; HTTP statuses stay', () => {
  assert.equal(normaliseError('connect ECONNREFUSED 127.0.0.1:41234'), 'connect ECONNREFUSED <host>:<port>');
  assert.equal(normaliseError('request to http://localhost:5002/orders/1042 failed'), 'request to http://<host>:<port>/orders/<n> failed');
  assert.equal(normaliseError('order 3f2b8c1e-9d4a-4f6b-8e2a-1c3d5e7f9a0b not found (took 1500 ms)'), 'order <id> not found (took <n> ms)');
  assert.equal(normaliseError('token usr8f3a9c2d rejected'), 'token <id> rejected');
  assert.equal(normaliseError('AssertionError: expected 503 under a fault, got 500'), 'AssertionError: expected 503 under a fault, got 500');
  assert.equal(normaliseError('timeout of 250 ms exceeded after 3 attempts'), 'timeout of <n> ms exceeded after <n> attempts');
  assert.equal(normaliseError('exit code 1: Node.js v20.20.2'), 'exit code <n>: Node.js v<n>');
  assert.equal(normaliseError('  two   spaces\tand a tab '), 'two spaces and a tab');
  assert.ok(normaliseError('x'.repeat(500)).length <= 201);
});

test("the error: the first line, with the next when the first only announces it (node:assert's form)", () => {
  assert.equal(errorLine('AssertionError: Expected values to be strictly equal:\n\n503 !== 200\n\n    at work (x.js:1:1)'), 'AssertionError: Expected values to be strictly equal: 503 !== 200');
  assert.equal(errorLine('Error: boom:\n    at f (x.js:1:1)'), 'Error: boom:');
  assert.equal(errorLine('TypeError: x is undefined\nmore'), 'TypeError: x is undefined');
  assert.equal(errorLine(''), '');
});

test('entry points: the templated request that went wrong, else the last one, else the test', () => {
  assert.equal(templatePath('/orders/1042/items/3f2b8c1e-9d4a-4f6b-8e2a-1c3d5e7f9a0b'), '/orders/:id/items/:id');
  assert.equal(templatePath('/users/usr_8f3a9c2d/profile'), '/users/:id/profile');
  assert.equal(templatePath('/order-1042'), '/:id');
  assert.equal(templatePath('/health-check/v1'), '/health-check/v1');
  const entry = (path: string, status: number) => ({ service: 'gateway', method: 'GET', path, status, body_md5: 'x' });
  assert.equal(entryPoint([entry('/catalog', 200), entry('/orders/17', 502), entry('/orders/18', 200)]), 'GET /orders/:id on gateway');
  assert.equal(entryPoint([entry('/catalog', 200), entry('/orders/18', 200)]), 'GET /orders/:id on gateway');
  assert.equal(entryPoint([]), 'the test');
});

const fault = (description: string, caller: string, callee: string | null): FaultEntry => ({ description, execution_index: '[["h", 1]]', edge: { caller, callee } });

test('faulted edges are a set of caller → callee: the fault type and which call do not matter', () => {
  const edges = faultedEdges([fault('503 on b → c (GET /c)', 'b', 'c'), fault('node.ECONNREFUSED on a → b (GET /b)', 'a', 'b'), fault('502 on b → c (GET /c)', 'b', 'c')]);
  assert.deepEqual(edges, ['a → b', 'b → c']);
  assert.deepEqual(faultedEdges([fault('503 on x → ext', 'x', null)]), ['x → an unnamed host']);
  assert.deepEqual(faultedEdges([{ description: '503 on a → b (GET /b)', execution_index: '[["h", 1]]' }]), ['a → b']);
});

test('signatures: equal for the same failure under other faults and ids, different for another verdict, error, entry or edge', () => {
  const base = { verdict: 'fail' as const, detail: 'AssertionError: order 17 answered 502\n    at x', entry: [{ service: 'gw', method: 'POST', path: '/orders/17', status: 502, body_md5: 'a' }] };
  const one = failureSignature({ ...base, faults: [fault('503 on gw → orders (POST /orders)', 'gw', 'orders')] });
  const other = failureSignature({
    ...base,
    detail: 'AssertionError: order 18 answered 502',
    entry: [{ service: 'gw', method: 'POST', path: '/orders/18', status: 502, body_md5: 'b' }],
    faults: [fault('node.ECONNREFUSED on gw → orders (POST /orders)', 'gw', 'orders')],
  });
  assert.equal(signatureKey(one), signatureKey(other));
  assert.deepEqual(one, { entry: 'POST /orders/:id on gw', verdict: 'fail', error: 'AssertionError: order <n> answered 502', edges: ['gw → orders'] });
  assert.equal(signatureInWords(one), 'fail at POST /orders/:id on gw: AssertionError: order <n> answered 502 (faults on gw → orders)');
  const differs = [
    failureSignature({ ...base, verdict: 'crash', faults: [fault('503 on gw → orders', 'gw', 'orders')] }),
    failureSignature({ ...base, detail: 'AssertionError: order 17 answered 500', faults: [fault('503 on gw → orders', 'gw', 'orders')] }),
    failureSignature({ ...base, entry: [], faults: [fault('503 on gw → orders', 'gw', 'orders')] }),
    failureSignature({ ...base, faults: [fault('503 on gw → stock', 'gw', 'stock')] }),
  ];
  for (const d of differs) assert.notEqual(signatureKey(d), signatureKey(one));
});

/** A failing execution of the fixture below: faults on the given calls of a → b (all five fail the same way). */
function failing(number: number, calls: number[], detail = 'AssertionError: status 503'): FailingExecution {
  const failures: Failure[] = calls.map((c) => ({ execution_index: `[["a-b", ${c}]]`, failure_metadata: { return_value: { status_code: '503' } }, args: ['b/work'] }));
  return {
    number,
    verdict: 'fail',
    detail,
    failures,
    entries: calls.map((c) => fault(`503 on a → b (GET /work) #${c}`, 'a', 'b')),
    counterexample: `counterexamples/execution-${number}.json`,
    entry: [{ service: 'a', method: 'GET', path: '/work', status: 503, body_md5: 'x' }],
  };
}

test('triage cut short: pairs not minimised are grouped by signature, one example each; a single fault is still a minimal group; nothing is replayed', async () => {
  let replays = 0;
  const report = await triage([failing(2, [1]), failing(7, [2, 3]), failing(8, [2, 4]), failing(9, [3, 4], 'AssertionError: status 500'), failing(10, [3, 5])], {
    explored: new Map(),
    replays: 1,
    stop: () => 'the time budget used up',
    replay: async () => {
      replays++;
      throw new Error('no replay once triage has stopped');
    },
  });
  assert.equal(replays, 0);
  assert.equal(report.stopped, 'the time budget used up');
  assert.deepEqual(
    report.groups.map((g) => [g.id, g.minimal, g.executions, g.signature?.example, g.faults.length, g.counterexample]),
    [
      [1, true, [2], undefined, 1, 'counterexamples/execution-2.json'],
      [2, false, [7, 8, 10], 7, 2, 'counterexamples/execution-7.json'],
      [3, false, [9], 9, 2, 'counterexamples/execution-9.json'],
    ],
  );
  assert.deepEqual(report.groups[1].signature, {
    entry: 'GET /work on a',
    verdict: 'fail',
    error: 'AssertionError: status 503',
    edges: ['a → b'],
    words: 'fail at GET /work on a: AssertionError: status 503 (faults on a → b)',
    example: 7,
  });
  // No name is a hash or a key: the words are the signature's and the faults' descriptions.
  assert.ok(report.groups.every((g) => !/\[\["/.test(JSON.stringify([g.signature?.words, g.faults.map((f) => f.description)]))));
});

test('triage not cut short: the same pairs are minimised and grouped by their minimal sets, without signatures', async () => {
  // Probes of single faults pass except fault 3's (the 503 on call 3 alone fails).
  const report = await triage([failing(7, [2, 3]), failing(10, [3, 5]), failing(8, [2, 4])], {
    explored: new Map(),
    replays: 0,
    stop: () => undefined,
    replay: async (failures) => {
      const fails = failures.some((f) => f.execution_index === '[["a-b", 3]]') || failures.length === 2;
      return { verdict: fails ? 'fail' : 'pass', injected: failures };
    },
  });
  assert.deepEqual(
    report.groups.map((g) => [g.minimal, g.executions, g.faults.map((f) => f.description), g.signature]),
    [
      [true, [7, 10], ['503 on a → b (GET /work) #3'], undefined],
      [true, [8], ['503 on a → b (GET /work) #2', '503 on a → b (GET /work) #4'], undefined],
    ],
  );
});
