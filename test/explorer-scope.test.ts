/**
 * The explorer's order, fault-set bound and filters on a simulated application (test/simulated-app.ts):
 * three independent calls with fallbacks, 5 faults each, so (1 + 5)^3 = 216 fault sets in all.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultFilter } from '../orchestrator/search/filters.js';
import { drive } from './simulated-app.js';

const sizes = (d: ReturnType<typeof drive>) => d.executions.map((e) => e.faults.length);
const sets = (d: ReturnType<typeof drive>) => d.executions.map((e) => e.faults.join(' + ')).sort();

test('by-size order: every single fault before any pair, every pair before any triple; the same 216 fault sets as dfs', () => {
  const bySize = drive(3, { order: 'by-size' });
  const dfs = drive(3, { order: 'dfs' });
  assert.equal(bySize.executions.length, 216);
  const s = sizes(bySize);
  for (let i = 1; i < s.length; i++) assert.ok(s[i - 1] <= s[i], `execution ${i + 1} has ${s[i]} faults after one with ${s[i - 1]}`);
  assert.deepEqual([s.filter((n) => n === 1).length, s.filter((n) => n === 2).length, s.filter((n) => n === 3).length], [15, 75, 125]);
  assert.deepEqual(sets(bySize), sets(dfs));
  // dfs, the original's, starts from the last call's faults and goes deep before the first call's singles.
  const d = sizes(dfs);
  assert.ok(d.indexOf(2) < d.lastIndexOf(1), 'dfs runs some pair before the last single');
});

test('by-size under a budget: the first 16 executions are the fault-free one and all 15 single faults', () => {
  const bounded = drive(3, { order: 'by-size' }, 16);
  assert.deepEqual(sizes(bounded), [0, ...Array(15).fill(1)]);
  assert.equal(new Set(bounded.executions.map((e) => e.faults[0])).size, 16);
  assert.equal(bounded.explorer.pendingCount, 75, 'the 75 pairs wait on the frontier');
});

test('max-faults 1: 1 + 15 executions; the 75 pairs are never generated, and counted', () => {
  const one = drive(3, { maxFaults: 1 });
  assert.equal(one.executions.length, 16);
  assert.equal(one.explorer.beyondMaxFaults, 75);
  assert.equal(one.explorer.pendingCount, 0);
  const two = drive(3, { maxFaults: 2, order: 'by-size' });
  assert.equal(two.executions.length, 1 + 15 + 75);
  assert.equal(two.explorer.beyondMaxFaults, 125);
});

test('edge filter: excluding root → svc1 leaves exactly the fault sets that do not touch it, (1 + 5)^2 = 36', () => {
  const all = drive(3);
  const filtered = drive(3, { filter: new FaultFilter({ exclude: { edges: ['root -> svc1'] } }) });
  const expected = all.executions.filter((e) => !e.faults.some((f) => f.includes('root → svc1'))).map((e) => e.faults.join(' + '));
  assert.equal(expected.length, 36);
  assert.deepEqual(filtered.executions.map((e) => e.faults.join(' + ')), expected, 'same sets, same dfs order');
  // Candidates on svc1 were discovered (and dropped) by the fault-free run and by the 5 runs faulting svc0.
  assert.equal(filtered.explorer.filteredOut, 6 * 5);
});

test('fault-type filter: only 503 ⇒ (1 + 1)^3 = 8; excluding node.* ⇒ (1 + 3)^3 = 64', () => {
  const only503 = drive(3, { filter: new FaultFilter({ include: { faults: ['503'] } }) });
  assert.equal(only503.executions.length, 8);
  assert.ok(only503.executions.every((e) => e.faults.every((f) => f.startsWith('503 on'))));
  const noExceptions = drive(3, { filter: new FaultFilter({ exclude: { faults: ['node.*'] } }) });
  assert.equal(noExceptions.executions.length, 64);
});

test('service, method and path filters', () => {
  assert.equal(drive(3, { filter: new FaultFilter({ include: { services: ['svc2'] } }) }).executions.length, 6);
  assert.equal(drive(3, { filter: new FaultFilter({ exclude: { services: ['svc*'] } }) }).executions.length, 1);
  assert.equal(drive(3, { filter: new FaultFilter({ include: { methods: ['get'], paths: ['/jobs/0', '/jobs/2'] } }) }).executions.length, 36);
  assert.equal(drive(3, { filter: new FaultFilter({ exclude: { methods: ['POST'] } }) }).executions.length, 216);
});

test('a malformed edge filter is refused', () => {
  assert.throws(() => new FaultFilter({ exclude: { edges: ['svc1'] } }), /must read "caller -> callee"/);
});
