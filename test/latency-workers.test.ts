/**
 * Latency faults give definite verdicts, the same with one worker and with several. A call that no one
 * waits for (a fire-and-forget publish, as in corpus/event-bus) is still open when the test ends, for as
 * long as its latency: the execution waits that long beyond its grace (test-bed.ts settleGraceMs), so the
 * call is neither judged left open (inconclusive) nor carried, with whatever it does when the delay ends
 * (its caller's timeout firing, a crash), into whichever execution runs next.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { settleGraceMs } from '../orchestrator/run/test-bed.js';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { run } from './helpers.js';

const CATALOGUE = FaultCatalogue.fromJson(
  {
    faults: {
      pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$',
      exceptions: [{ name: 'node.Latency', metadata: { delay_ms: 2500 } }, { name: 'node.ECONNREFUSED' }],
    },
  },
  'latency catalogue',
);

test('the grace after the test grows by the longest latency planned', () => {
  const latency = (delay_ms: number) => ({ execution_index: 'x', args: [], forced_exception: { name: 'node.Latency', metadata: { delay_ms } } });
  assert.equal(settleGraceMs([]), settleGraceMs([{ execution_index: 'y', args: [], forced_exception: { name: 'node.ECONNREFUSED', metadata: {} } }]));
  assert.equal(settleGraceMs([latency(2100), latency(300)]) - settleGraceMs([]), 2100);
});

test('a fire-and-forget call delayed longer than the grace: the same verdicts with --workers 1 and 3, none inconclusive', async () => {
  // a starts a call to b that nothing waits for (no timeout), then calls c and answers; the test wants 200.
  // The 2.5 s latency on a → b keeps that call open 2.5 s after the test has ended.
  const servicesConfig = chainConfig({ a: [{ to: 'b', onFailure: 'fallback', timeoutMs: null, detached: true }, { to: 'c', onFailure: 'propagate' }], b: [], c: [] });
  const verdicts = async (workers: number) => {
    const outcome = await run({ test: { kind: 'module', value: `${TEST_MODULE}#resilient` }, servicesConfig, catalogue: CATALOGUE, workers, maxFaults: 1, inconclusiveRetries: 0 });
    return outcome.results.executions.map((e) => `${e.verdict}:${e.faults.map((f) => f.description).join(' + ') || 'no fault'}`);
  };
  const one = await verdicts(1);
  assert.deepEqual(one.slice().sort(), [
    'fail:node.ECONNREFUSED on a → c (GET /work)',
    'pass:latency 2.5 s on a → b (GET /work)',
    'pass:latency 2.5 s on a → c (GET /work)',
    'pass:no fault',
    'pass:node.ECONNREFUSED on a → b (GET /work)',
  ]);
  assert.deepEqual(await verdicts(3), one);
});
