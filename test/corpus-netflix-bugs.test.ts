/**
 * netflix's bug switch (NETFLIX_FAULTS) and the properties our port of its test adds, because the
 * original's test accepts a 503 under any fault and cannot see these bugs (corpus/netflix/README.md):
 *   - timeout budget: api-gateway gives user-profile 1 s, user-profile waits up to 15 s on telemetry.
 *     Oracle: `timeoutBudgetViolations`. Expected counterexample: the fault-free execution (no fault is
 *     needed; the calls' timeouts show it).
 *   - retry to the same server: after a connection error on my-list, api-gateway asks the same address
 *     again. Oracle: `sameServerRetries`. Expected counterexample: {ECONNREFUSED on api-gateway → my-list}.
 * Negative control: the same runs without the switch pass, and the counterexamples replay to a pass.
 *
 * A refusal-only catalogue keeps the exploration small (every call either refused or not), so the whole
 * space is explored and every failing execution is accounted for.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { cli, DIST, ROOT, run, tempDir, writeJson } from './helpers.js';

const REFUSALS = {
  'node.exceptions': { pattern: 'node\\.(http|fetch|undici)\\.[A-Z]+$', exceptions: [{ name: 'node.ECONNREFUSED' }] },
};
const TEST_MODULE = join(DIST, 'functional-tests/netflix.js');
const BOTH = TEST_MODULE;
const RETRY_ONLY = `${TEST_MODULE}#noSameServerRetry`;
const ORIGINAL = `${TEST_MODULE}#original`;
const SERVICES = join(ROOT, 'corpus/netflix/services.json');
const BUDGET = 'api-gateway gives user-profile 1 s, but user-profile waits up to 15 s on telemetry';
const RETRY = /api-gateway sent GET \/users\/chris_rivers to my-list again while serving one request/;

function explore(testModule: string, serviceEnv: Record<string, string>, outputDir: string, eiCompat = false): Promise<ExplorationOutcome> {
  return run({
    eiCompat,
    test: { kind: 'module', value: testModule },
    servicesConfig: SERVICES,
    catalogue: FaultCatalogue.fromJson(REFUSALS, 'refusals'),
    dynamicReduction: true,
    serviceEnv,
    failFast: false,
    outputDir,
  });
}

const faultsOf = (r: { faults: { description: string }[] }): string[] => r.faults.map((f) => f.description.replace(/ \(.*\)$/, ''));

async function replay(outputDir: string, counterexample: string, serviceEnv: string[]) {
  const env = serviceEnv.flatMap((e) => ['--service-env', e]);
  return cli(['--counterexample-file', join(outputDir, counterexample), '--port', '0', '--output-dir', tempDir(), ...env]);
}

function faultFreeRun(testModule: string, serviceEnv: string[]) {
  const env = serviceEnv.flatMap((e) => ['--service-env', e]);
  return cli(['--test-module', testModule, '--services', SERVICES, '--only-initial-execution', '--port', '0', '--output-dir', tempDir(), ...env]);
}

test('netflix NETFLIX_FAULTS=1, timeout budget: the fault-free execution fails (nothing else is explored); it fails again when run alone, and passes without the switch', async () => {
  const outputDir = tempDir();
  const outcome = await explore(BOTH, { NETFLIX_FAULTS: '1' }, outputDir);
  assert.equal(outcome.results.counts.ran, 1);
  const [faultFree] = outcome.results.executions;
  assert.deepEqual(faultFree.faults, []);
  assert.equal(faultFree.verdict, 'fail');
  assert.ok(faultFree.detail?.includes(BUDGET), faultFree.detail);
  // No fault is needed, so no counterexample is written: the fault-free run is the reproduction.
  assert.equal(faultFree.counterexample, undefined);
  const again = await faultFreeRun(BOTH, ['NETFLIX_FAULTS=1']);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.ok((again.stdout + again.stderr).includes(BUDGET), again.stdout);
  const control = await faultFreeRun(BOTH, []);
  assert.equal(control.code, 0, 'without the switch the fault-free execution passes: ' + control.stdout);
});

test('netflix NETFLIX_FAULTS=1, same-server retry: exactly the executions refusing api-gateway → my-list fail; the single refusal replays, and passes without the switch', async () => {
  const outputDir = tempDir();
  const outcome = await explore(RETRY_ONLY, { NETFLIX_FAULTS: '1' }, outputDir);
  const ran = outcome.results.executions.filter((e) => e.status === 'ran');
  let failing = 0;
  for (const e of ran) {
    const faults = faultsOf(e);
    const myListRefused = faults.includes('node.ECONNREFUSED on api-gateway → my-list');
    const where = `#${e.number} {${faults.join(', ')}}: ${e.verdict} ${e.detail ?? ''}`;
    assert.equal(e.verdict === 'pass', !myListRefused, where);
    if (myListRefused) {
      assert.match(e.detail ?? '', RETRY, where);
      failing++;
    }
  }
  assert.ok(failing > 0);

  const single = ran.find((e) => faultsOf(e).join() === 'node.ECONNREFUSED on api-gateway → my-list');
  assert.ok(single, 'the single refusal on api-gateway → my-list was explored');
  const again = await replay(outputDir, single.counterexample!, ['NETFLIX_FAULTS=1']);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /Every fault of the counterexample was injected/);
  assert.match(again.stdout + again.stderr, RETRY);
  // The counterexample records NETFLIX_FAULTS=1; an empty value turns the switch off for the control.
  const control = await replay(outputDir, single.counterexample!, ['NETFLIX_FAULTS=']);
  assert.equal(control.code, 0, 'without the switch, my-list refused gives a 503 the test accepts: ' + control.stdout);
});

test('netflix without the switch: the same exploration, both properties, passes everywhere (negative control)', async () => {
  const outcome = await explore(BOTH, {}, tempDir());
  assert.ok(outcome.results.counts.ran > 1);
  assert.equal(outcome.failing.length, 0, outcome.failing.map((f) => `#${f.result.number}: ${f.result.detail}`).join('\n'));
});

test('netflix NETFLIX_FAULTS=1, identity: the my-list retry is its own call (own faults); with --ei-compat it shares the first call\'s identity and fault', async () => {
  const myListFaults = (e: { faults: { description: string }[] }) => faultsOf(e).filter((f) => f.endsWith('on api-gateway → my-list')).length;
  const ours = await explore(ORIGINAL, { NETFLIX_FAULTS: '1' }, tempDir());
  const compat = await explore(ORIGINAL, { NETFLIX_FAULTS: '1' }, tempDir(), true);
  const ran = (o: ExplorationOutcome) => o.results.executions.filter((e) => e.status === 'ran');
  // Ours: refusing the first my-list call makes the retry happen, and the retry can be refused too.
  const twice = ran(ours).filter((e) => myListFaults(e) === 2);
  assert.ok(twice.length > 0);
  // The original's counters restart in api-gateway (it received an EI header), so both my-list calls get
  // one identity: one fault covers both, and no execution has two.
  assert.equal(ran(compat).filter((e) => myListFaults(e) === 2).length, 0);
  // Everything else is the same space: every fault set of the compat run is explored by ours, and ours
  // explores more only where my-list is refused (the retry then succeeds or is refused in turn, and the
  // page goes on to the calls after my-list, whose faults combine with it).
  const key = (e: { faults: { description: string }[] }) => faultsOf(e).join(' + ');
  const oursKeys = new Set(ran(ours).map(key));
  const compatKeys = new Set(ran(compat).map(key));
  for (const k of compatKeys) assert.ok(oursKeys.has(k), `compat-only fault set {${k}}`);
  const extra = ran(ours).filter((e) => !compatKeys.has(key(e)));
  assert.equal(extra.length, ran(ours).length - ran(compat).length);
  for (const e of extra) assert.ok(myListFaults(e) > 0, `#${e.number} {${key(e)}} has no fault on my-list`);
  assert.equal(ours.failing.length + compat.failing.length, 0);
});
