/**
 * node-resilient (frontend →(axios, 2 attempts) orders →(opossum breaker) payments, orders → shipping):
 * the hand derivation of corpus/node-resilient/README.md, with the app's catalogue
 * (corpus/node-resilient/analysis.json: node.ECONNREFUSED and node.Timeout, 2 faults per call).
 *   without dynamic reduction: 67 ran; with: 27 ran + 28 pruned;
 *   buggy: the fault sets {P1, S1} (and, without reduction, {P1, S1, S2}) fail: a payment fault and a
 *   shipping fault in the first attempt, the second attempt reaching orders.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { counts } from './corpus-helpers.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

function explore(dynamicReduction: boolean, serviceEnv?: Record<string, string>, outputDir = tempDir()): Promise<ExplorationOutcome> {
  return run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/node-resilient.js') },
    servicesConfig: join(ROOT, 'corpus/node-resilient/services.json'),
    catalogue: FaultCatalogue.fromFile(join(ROOT, 'corpus/node-resilient/analysis.json')),
    dynamicReduction,
    serviceEnv,
    outputDir,
  });
}

type Execution = ExplorationOutcome['results']['executions'][number];

/** A fault as "<fault> on <caller> → <callee>#<attempt>": the attempt is the occurrence of the frontend's call. */
function faultSet(e: Execution): string[] {
  return e.faults
    .map((f) => {
      const ei = JSON.parse(f.execution_index) as [string, number][];
      const name = (f.forced_exception?.name ?? '?') + ' ' + f.description.replace(/^\S+ on /, '').replace(/ \(.*\)$/, '');
      return `${name}#${ei[0][1]}`;
    })
    .sort();
}

const CALL = {
  P1: 'orders → payments#1',
  P2: 'orders → payments#2',
  S1: 'orders → shipping#1',
  S2: 'orders → shipping#2',
};
const FAULTS = ['node.ECONNREFUSED', 'node.Timeout'];

/** The planted combinations: {P1, S1} (deferred twice) and {S1, P2} (charged, then deferred), optionally + S2. */
function planted(pay: string, withS2: boolean): string[] {
  const out: string[] = [];
  for (const p of FAULTS)
    for (const s of FAULTS) {
      if (!withS2) out.push([`${p} ${pay}`, `${s} ${CALL.S1}`].sort().join(' + '));
      else for (const t of FAULTS) out.push([`${p} ${pay}`, `${s} ${CALL.S1}`, `${t} ${CALL.S2}`].sort().join(' + '));
    }
  return out;
}
const ALL_PLANTED = [...planted(CALL.P1, false), ...planted(CALL.P1, true), ...planted(CALL.P2, false), ...planted(CALL.P2, true)].sort();

function failingSets(outcome: ExplorationOutcome): string[] {
  return outcome.results.executions
    .filter((e) => e.status === 'ran' && e.verdict !== 'pass')
    .map((e) => faultSet(e).join(' + '))
    .sort();
}

test('node-resilient, buggy, without dynamic reduction: 67 ran, the 24 fault sets {P1, S1 (, S2)} and {S1, P2 (, S2)} fail', async () => {
  const outcome = await explore(false);
  assert.equal(outcome.results.complete, true);
  assert.deepEqual(failingSets(outcome), ALL_PLANTED);
  assert.deepEqual(counts(outcome), { ran: 67, pruned: 0, failing: 24 });
  for (const e of outcome.results.executions) if (e.faults.length === 1) assert.equal(e.verdict, 'pass', `${faultSet(e)}: ${e.detail}`);
  assert.equal(outcome.results.executions.filter((e) => e.faults.length === 1).length, 6);
});

test('node-resilient, buggy, with dynamic reduction: 27 ran + 28 pruned, the reachable planted sets fail; the counterexample replays', async () => {
  const outputDir = tempDir();
  const outcome = await explore(true, undefined, outputDir);
  // {P1, S1, S2} and {S1: ECONNREFUSED, P2: *} are pruned (same outcomes per caller as {S1: Timeout, P2: *}), see the README.
  const expected = ALL_PLANTED.filter((f) => (f.includes(CALL.P1) ? !f.includes(CALL.S2) : f.includes(`node.Timeout ${CALL.S1}`)));
  assert.deepEqual(failingSets(outcome), expected);
  assert.deepEqual(counts(outcome), { ran: 27, pruned: 28, failing: expected.length });
  for (const e of outcome.results.executions) if (e.faults.length === 1) assert.equal(e.verdict, 'pass');
  const first = outcome.results.executions.find((e) => e.status === 'ran' && e.verdict === 'fail')!;
  assert.match(first.detail ?? '', /expected exactly one charge, got \d charged \+ \d deferred|owes \d charge\(s\) \+ \d deferred/);
  const replayDir = tempDir();
  const replay = await cli(['--counterexample-file', join(outputDir, first.counterexample!), '--port', '0', '--output-dir', replayDir]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /#1 fail/);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
});

test('node-resilient, RESILIENT_FIXED=1: the same exploration passes everywhere (67 / 27 + 28)', async () => {
  const env = { RESILIENT_FIXED: '1' };
  assert.deepEqual(counts(await explore(false, env)), { ran: 67, pruned: 0, failing: 0 });
  assert.deepEqual(counts(await explore(true, env)), { ran: 27, pruned: 28, failing: 0 });
});
