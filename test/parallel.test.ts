/**
 * `--workers N` (orchestrator/run/parallel.ts): executions run ahead of their turn, committed in one-worker
 * order. Each case runs the same exploration with one worker and with three, and requires the identical
 * list of executions (status, fault set, verdict, in order), and that the parallel run really ran
 * executions at once (or says why it did not).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chainConfig, TEST_MODULE, type FixtureCall } from './chain-fixtures.js';
import { faultSets, run, tempDir, writeJson } from './helpers.js';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { InvalidOptionError } from '../orchestrator/option-error.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import type { ExplorationOrder } from '../orchestrator/search/frontier.js';

/** What must not depend on the number of workers: each execution's place, faults and verdict. */
function trace(outcome: ExplorationOutcome): string[] {
  const sets = faultSets(outcome);
  return outcome.results.executions.map((e, i) => `${sets[i]} → ${e.verdict ?? '-'}`);
}

/** Two faults per call (refused, and a 503 from the callee), to keep the searches small. */
const catalogue = FaultCatalogue.fromFile(
  writeJson(tempDir(), 'analysis.json', {
    node: {
      pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$',
      exceptions: [{ name: 'node.ECONNREFUSED' }],
      errors: [{ service_name: '.*', types: [{ return_value: { status_code: '503' } }] }],
    },
  }),
);

/** The same exploration with one worker and with three (`extra`: more services config per service). */
async function both(topology: Record<string, FixtureCall[]>, testExport = 'default', extra: Record<string, Record<string, unknown>> = {}, order?: ExplorationOrder) {
  const servicesConfig = chainConfig(topology, {}, extra);
  const test = { kind: 'module' as const, value: `${TEST_MODULE}#${testExport}` };
  const one = await run({ test, servicesConfig, catalogue, order, workers: 1 });
  const three = await run({ test, servicesConfig, catalogue, order, workers: 3 });
  return { one, three };
}

const FANOUT: Record<string, FixtureCall[]> = {
  a: [
    { to: 'b', onFailure: 'fallback' },
    { to: 'c', onFailure: 'propagate' },
  ],
  b: [{ to: 'd', onFailure: 'propagate' }],
  c: [{ to: 'd', onFailure: 'fallback' }],
  d: [],
};

test('three workers explore exactly what one does, and run executions at once', async () => {
  const { one, three } = await both(FANOUT);
  assert.ok(one.results.counts.ran >= 8, `a search worth parallelising (${one.results.counts.ran} ran)`);
  assert.deepEqual(trace(three), trace(one));
  assert.deepEqual(three.results.counts, one.results.counts);
  assert.equal(one.results.parallel, undefined, 'one worker: no parallel section');
  const p = three.results.parallel!;
  assert.equal(p.workers, 3);
  assert.equal(p.fallback, undefined);
  assert.ok(p.ahead > 0, 'executions were run ahead of their turn');
  assert.ok(p.peak > 1, `executions ran at once (peak ${p.peak})`);
});

test('by-size order: the same with three workers', async () => {
  const { one, three } = await both(FANOUT, 'default', {}, 'by-size');
  assert.deepEqual(trace(three), trace(one));
  assert.ok(three.results.parallel!.peak > 1);
});

test('a service that crashes under a fault: verdict "crash" with its log, restarted, the same with three workers', async () => {
  // b crashes when its call to d fails; a's call to c runs beside it in other executions.
  const topology: Record<string, FixtureCall[]> = {
    a: [
      { to: 'b', onFailure: 'fallback' },
      { to: 'c', onFailure: 'fallback' },
    ],
    b: [{ to: 'd', onFailure: 'crash' }],
    c: [{ to: 'e', onFailure: 'fallback' }],
    d: [],
    e: [],
  };
  const { one, three } = await both(topology);
  for (const outcome of [one, three]) {
    const crashed = outcome.results.executions.filter((e) => e.verdict === 'crash');
    assert.ok(crashed.length > 0, 'some execution crashed b');
    for (const e of crashed) {
      assert.ok(e.faults.some((f) => f.description.includes('on b → d')), `a crash comes from a fault on b → d: ${e.faults.map((f) => f.description).join(' + ')}`);
      assert.match(e.detail ?? '', /^service b exited with code 1: Error: a dependency failed and nobody caught it; last lines of its log:\n.*nobody caught it/s, 'the detail names the service and carries its log tail');
      assert.ok(e.counterexample && existsSync(join(outcome.resultsPath, '..', e.counterexample)), 'a crash has a counterexample');
    }
    // The service was back for the next execution: every execution without a fault on b → d passes.
    const others = outcome.results.executions.filter((e) => e.status === 'ran' && e.verdict !== 'crash');
    assert.ok(others.length > 0 && others.every((e) => e.verdict === 'pass'), 'no execution after a crash is blamed for it');
  }
  assert.deepEqual(trace(three), trace(one));
});

test('a message without an execution id mid-run: back to one worker, same executions', async () => {
  const { one, three } = await both(FANOUT, 'unattributedUnderFaults');
  assert.deepEqual(trace(three), trace(one));
  assert.match(three.results.parallel!.fallback ?? '', /without an execution id/);
});

test('a service that keeps state ("parallel": false) keeps the run at one execution at a time', async () => {
  const { one, three } = await both(FANOUT, 'default', { d: { parallel: false } });
  assert.deepEqual(trace(three), trace(one));
  const p = three.results.parallel!;
  assert.match(p.fallback ?? '', /service d keeps state/);
  assert.equal(p.peak, 1);
  assert.equal(p.ahead, 0);
});

test('--workers must be a whole number of at least 1', async () => {
  await assert.rejects(run({ test: { kind: 'module', value: TEST_MODULE }, workers: 0, outputDir: tempDir() }), (err: Error) => err instanceof InvalidOptionError && /--workers must be a whole number of at least 1/.test(err.message));
});

test('--coverage keeps the run at one execution at a time, and says so', async () => {
  const servicesConfig = chainConfig(FANOUT);
  const outcome = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig, catalogue, workers: 2, coverage: true, maxTests: 4 });
  const p = outcome.results.parallel!;
  assert.match(p.fallback ?? '', /--coverage/);
  assert.equal(p.peak, 1);
});
