/**
 * netflix's timeout bug (NETFLIX_FAULTS: api-gateway gives user-profile 1 s, user-profile waits up to 15 s
 * on telemetry), found by a network condition instead of by reading the timeouts: a latency on
 * user-profile → telemetry whose delay is chosen from the timeouts on the call path, just over
 * api-gateway's 1 s (catalogue corpus/netflix/analysis-latency.json: `relative_to: parent_timeout`,
 * `offset_ms: 100`). The run waits about a second for it, not 15.
 *
 * Oracle: `slowTelemetry` in functional-tests/netflix.ts (faults on telemetry alone must not cost the user
 * their profile). Negative control: the same exploration without the switch passes. The counterexample
 * carries the resolved delay and replays.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const TEST_MODULE = `${join(DIST, 'functional-tests/netflix.js')}#slowTelemetry`;
const SERVICES = join(ROOT, 'corpus/netflix/services.json');
const CATALOGUE = join(ROOT, 'corpus/netflix/analysis-latency.json');

function explore(serviceEnv: Record<string, string>, outputDir: string): Promise<ExplorationOutcome> {
  return run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig: SERVICES,
    catalogue: FaultCatalogue.fromFile(CATALOGUE),
    dynamicReduction: true,
    serviceEnv,
    outputDir,
  });
}

test('netflix NETFLIX_FAULTS=1: a latency just over api-gateway\'s timeout on user-profile → telemetry costs the profile; it replays; without the switch the exploration passes', async (t) => {
  const outputDir = tempDir();
  const outcome = await explore({ NETFLIX_FAULTS: '1' }, outputDir);
  const { results } = outcome;
  t.diagnostic(`executions: ${results.counts.ran} ran, ${results.counts.pruned} pruned; wall ${results.wall_ms} ms`);

  // Only one call gets the fault: the other calls either have no timed parent (mobile-client's call
  // serves the test) or a timeout of their own that would end the wait first (15 s < 55.1 s).
  assert.equal(results.counts.ran, 2, JSON.stringify(results.executions.map((e) => e.faults.map((f) => f.description))));
  assert.equal(outcome.failing.length, 1);
  const [{ result, calls }] = outcome.failing;
  assert.equal(result.verdict, 'fail');
  assert.match(result.detail ?? '', /only telemetry was faulted \(user-profile → telemetry\), yet the page is 503/);

  // The delay is chosen from the path: the timeout of the call user-profile is serving (api-gateway →
  // user-profile, 1 s, visible to the instrumentation) plus 100 ms.
  const faulted = calls.find((c) => c.failure)!;
  assert.equal(faulted.source, 'user-profile');
  assert.equal(faulted.target, 'telemetry');
  const parent = calls.find((c) => c.ei === faulted.parentEi)!;
  assert.equal(parent.source, 'api-gateway');
  assert.equal(parent.metadata.timeout, 1);
  assert.equal(faulted.metadata.timeout, 15);
  const chosen = faulted.failure!.forced_exception!.metadata.delay_ms;
  assert.equal(chosen, Number(parent.metadata.timeout) * 1000 + 100);
  t.diagnostic(`chosen delay: ${chosen} ms (api-gateway → user-profile timeout ${parent.metadata.timeout} s + 100 ms)`);
  assert.equal(result.faults[0].description, "latency 1.1 s (the parent call's timeout + 100 ms) on user-profile → telemetry (POST /)");
  // The caller's real outcome is reported for a condition: telemetry answered 200, late.
  assert.equal(faulted.returnValue?.status_code, '200');

  // The counterexample carries the fault with its resolved parameters, and replays.
  const file = join(outputDir, result.counterexample!);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { TestExecution: string };
  const failures = (JSON.parse(saved.TestExecution) as { failures: { forced_exception?: { name: string; metadata: Record<string, unknown> } }[] }).failures;
  assert.deepEqual(failures.map((f) => f.forced_exception), [
    { name: 'node.Latency', metadata: { relative_to: 'parent_timeout', offset_ms: 100, delay_ms: 1100 } },
  ]);
  const again = await cli(['--counterexample-file', file, '--port', '0', '--output-dir', tempDir(), '--service-env', 'NETFLIX_FAULTS=1']);
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.match(again.stdout, /Every fault of the counterexample was injected/);
  assert.match(again.stdout + again.stderr, /a slow telemetry cost the user their profile/);

  // Negative control: without the switch user-profile does not call telemetry, and nothing fails.
  const control = await explore({}, tempDir());
  assert.equal(control.failing.length, 0, control.failing.map((f) => f.result.detail).join('\n'));
  assert.equal(control.results.counts.failed + control.results.counts.inconclusive + control.results.counts.hung, 0);
});
