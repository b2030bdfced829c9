/** ddmin (orchestrator/search/ddmin.ts) on plain predicates: 1-minimal results, narrowing, interruption. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ddmin } from '../orchestrator/search/ddmin.js';

const containing = (needed: number[], probes: number[][] = []) => async (s: number[]) => {
  probes.push(s);
  return { fails: needed.every((x) => s.includes(x)) };
};

test('reduces to the failure-inducing pair, and the result is 1-minimal', async () => {
  const probes: number[][] = [];
  const r = await ddmin([1, 2, 3, 4, 5, 6, 7, 8], containing([2, 7], probes));
  assert.deepEqual(r, { subset: [2, 7], minimal: true });
  for (const x of r.subset) assert.equal((await containing([2, 7])(r.subset.filter((y) => y !== x))).fails, false);
  assert.ok(probes.length < 2 ** 8, `${probes.length} probes`);
});

test('a single failing element is found; a set that is already minimal stays as it is', async () => {
  assert.deepEqual((await ddmin([1, 2, 3], containing([3]))).subset, [3]);
  assert.deepEqual((await ddmin([4, 9], containing([4, 9]))).subset, [4, 9]);
  assert.deepEqual((await ddmin([5], containing([5]))).subset, [5]);
});

test('a failing probe that names fewer effective elements continues from those', async () => {
  // Probing [1, 2] fails but only 2 mattered (1 was never "injected").
  const probe = async (s: number[]) => ({ fails: s.includes(2), effective: s.filter((x) => x === 2 || x === 3) });
  assert.deepEqual((await ddmin([1, 2, 3, 4], probe)).subset, [2]);
});

test('interrupted: the failing set so far, marked not minimal', async () => {
  let n = 0;
  const r = await ddmin([1, 2, 3, 4], containing([1, 4]), () => ++n > 1);
  assert.equal(r.minimal, false);
  assert.ok(r.subset.includes(1) && r.subset.includes(4));
});
