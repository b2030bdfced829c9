/**
 * node-fanout (gateway → aggregator → {catalog, pricing, inventory}, Promise.allSettled with fallbacks):
 * the hand derivation of corpus/node-fanout/README.md, default catalogue (5 faults per call).
 *   without dynamic reduction: 1 + 5 + (6³ − 1) = 221 ran;
 *   with: 220 ran + 1 pruned (503 on gateway → aggregator: the aggregator answered 503 itself when all
 *   three leaves failed);
 *   buggy: exactly the 25 fault sets {fault on catalog, fault on pricing}, inventory unfaulted, fail.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { counts } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

function explore(dynamicReduction: boolean, serviceEnv?: Record<string, string>, outputDir = tempDir()): Promise<ExplorationOutcome> {
  return run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/node-fanout.js') },
    servicesConfig: join(ROOT, 'corpus/node-fanout/services.json'),
    dynamicReduction,
    serviceEnv,
    outputDir,
    // The app's published figures and fault descriptions are in the original's order and identity.
    order: 'dfs',
  });
}

const FAULTS = ['node.ECONNREFUSED', 'node.Timeout', '500', '502', '503'];

function faultsOf(e: ExplorationOutcome['results']['executions'][number]): string[] {
  return e.faults.map((f) => f.description);
}

/** The planted combination: a catalog fault and a pricing fault, inventory unfaulted. */
function isPlanted(faults: string[]): boolean {
  return faults.length === 2 && faults.some((f) => f.includes('aggregator → catalog')) && faults.some((f) => f.includes('aggregator → pricing'));
}

function expectedPlanted(): string[] {
  const out: string[] = [];
  for (const c of FAULTS) for (const p of FAULTS) out.push(`${c} on aggregator → catalog|${p} on aggregator → pricing`);
  return out.sort();
}

function plantedKey(faults: string[]): string {
  return faults
    .map((f) => f.replace(/ \(GET [^)]*\)$/, ''))
    .sort((a, b) => (a.includes('catalog') ? -1 : b.includes('catalog') ? 1 : 0))
    .join('|');
}

test('node-fanout, buggy, without dynamic reduction: 221 ran, exactly the 25 catalog+pricing fault sets fail', async () => {
  const outcome = await explore(false);
  const ex = outcome.results.executions;
  assert.equal(outcome.results.complete, true);
  assert.deepEqual(counts(outcome), { ran: 221, pruned: 0, failing: 25 });
  const failing = ex.filter((e) => e.status === 'ran' && e.verdict !== 'pass');
  assert.ok(failing.every((e) => e.verdict === 'fail'));
  assert.deepEqual(failing.map((e) => plantedKey(faultsOf(e))).sort(), expectedPlanted());
  for (const e of failing) assert.match(e.detail ?? '', /price must be a number, got null/);
  // Every execution outside the planted combination passes, every single fault included.
  for (const e of ex) if (!isPlanted(faultsOf(e))) assert.equal(e.verdict, 'pass', `#${e.number} ${faultsOf(e).join(' + ')}: ${e.detail}`);
  assert.equal(ex.filter((e) => e.faults.length === 1).length, 20);
});

test('node-fanout, buggy, with dynamic reduction: 220 ran + 1 pruned, the same 25 failures; the counterexample replays', async () => {
  const outputDir = tempDir();
  const outcome = await explore(true, undefined, outputDir);
  assert.deepEqual(counts(outcome), { ran: 220, pruned: 1, failing: 25 });
  const pruned = outcome.results.executions.filter((e) => e.status === 'pruned');
  assert.deepEqual(pruned.map(faultsOf), [['503 on gateway → aggregator (GET /products/42)']]);
  const failing = outcome.results.executions.filter((e) => e.status === 'ran' && e.verdict !== 'pass');
  assert.deepEqual(failing.map((e) => plantedKey(faultsOf(e))).sort(), expectedPlanted());

  const first = failing[0];
  assert.ok(first.counterexample);
  const replayDir = tempDir();
  const replay = await cli([
    '--counterexample-file',
    join(outputDir, first.counterexample),
    '--port',
    '0',
    '--output-dir',
    replayDir,
  ]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /#1 fail/);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
});

test('node-fanout, FANOUT_FIXED=1: the same exploration passes everywhere (221 / 220 + 1)', async () => {
  const env = { FANOUT_FIXED: '1' };
  const plain = await explore(false, env);
  assert.deepEqual(counts(plain), { ran: 221, pruned: 0, failing: 0 });
  const reduced = await explore(true, env);
  assert.deepEqual(counts(reduced), { ran: 220, pruned: 1, failing: 0 });
});

