/**
 * Kinds of failure gather the failure groups a developer would call one bug: the same verdict, entry point
 * and error up to numbers and ids, whichever fault type or status brought it; one crashed service is one
 * kind; distinct errors stay distinct kinds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureKinds } from '../orchestrator/run/failure-kinds.js';
import type { ExecutionResult, FailureGroup, RunResults } from '../orchestrator/results/run-results.js';

const entry = [{ service: 'gateway', method: 'POST', path: '/orders', status: 502, body_md5: 'x' }];

function group(id: number, verdict: FailureGroup['verdict'], detail: string, edge: [string, string]): FailureGroup {
  return {
    id, verdict, detail, executions: [id], minimal: true, replays: { runs: 0, reproduced: 0 }, stability: 'not replayed',
    faults: [{ description: `a fault on ${edge[0]} → ${edge[1]}`, execution_index: '[]', edge: { caller: edge[0], callee: edge[1] } }],
  };
}

test('groups that differ only by status, id or fault type are one kind; other errors and crashes of other services are not', () => {
  const groups = [
    group(1, 'fail', 'AssertionError: order 5f0c1a2e-9d1b-4c7e-8a55-0b8f7f1e2d3c failed with 502 but left a partial write behind', ['gateway', 'inventory']),
    group(2, 'fail', 'AssertionError: order 0b7d3c1e-8f2a-4e5b-9c6d-1a2b3c4d5e6f failed with 503 but left a partial write behind', ['gateway', 'inventory']),
    group(3, 'fail', 'AssertionError: inventory answered 409 to POST /reservations, a client error, and the gateway turned it into 502', ['gateway', 'inventory']),
    group(4, 'crash', 'service billing exited with code 1: AxiosError: Request failed with status code 503; last lines of its log:\n...', ['billing', 'bus']),
    group(5, 'crash', 'service billing exited with code 1: AxiosError: connect ECONNREFUSED 127.0.0.1:4000; last lines of its log:\n...', ['billing', 'bus']),
    group(6, 'crash', 'service accounts exited with code 1: AxiosError: Request failed with status code 500; last lines of its log:\n...', ['accounts', 'bus']),
  ];
  const executions = groups.map((g): ExecutionResult => ({ number: g.id, status: 'ran', verdict: g.verdict, faults: g.faults, entry }));
  const results = { executions, triage: { groups } } as unknown as RunResults;
  const kinds = failureKinds(results);
  assert.deepEqual(kinds.map((k) => k.groups), [[1, 2], [3], [4, 5], [6]]);
  assert.match(kinds[0].words, /^fail at POST \/orders on gateway: .*failed with <n> but left a partial write behind/);
  assert.equal(kinds[2].words, 'crash at POST /orders on gateway: billing crashed');
  assert.deepEqual(kinds[2].edges, ['billing → bus']);
});
