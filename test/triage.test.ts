/**
 * Acceptance 3 and triage on fixtures: failing executions reduced to 1-minimal fault sets by replaying
 * subsets, grouped by them, one counterexample per group, replays labelled deterministic or flaky, and
 * none of it counted as explored executions.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const short = (description: string) => description.replace(/ \(.*\)$/, '');

test('mailchimp, default catalogue, exploring on: the failing executions collapse into their minimal fault sets, each replays to its failure, the summary shows the groups', async () => {
  const dir = tempDir();
  const services = join(ROOT, 'corpus/mailchimp/services.json');
  const testModule = `${join(DIST, 'functional-tests/mailchimp.js')}#getUrl`;
  // The counts and execution numbers quoted are the original's depth-first order's (a plain run is by-size).
  const r = await cli(['--test-module', testModule, '--services', services, '--order', 'dfs', '--replays', '2', '--port', '0', '--output-dir', dir]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
  // Triage replays are not explored executions: the counts are the exploration's (255 ran, 1 pruned).
  assert.deepEqual([results.counts.ran, results.counts.pruned, results.counts.failed], [255, 1, 2]);
  assert.equal(readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').length, 256);
  const triage = results.triage!;
  assert.deepEqual(
    triage.groups.map((g) => [g.faults.map((f) => short(f.description)), g.executions, g.verdict, g.minimal, g.stability, g.replays]),
    [
      [['503 on load-balancer → app-server'], [252], 'fail', true, 'deterministic', { runs: 2, reproduced: 2 }],
      [['502 on load-balancer → app-server'], [253], 'fail', true, 'deterministic', { runs: 2, reproduced: 2 }],
    ],
  );
  // Single faults: the empty set is the fault-free run (passed), so no replay was needed to minimise.
  assert.deepEqual([triage.minimisation_runs, triage.confirmation_runs], [0, 4]);
  assert.deepEqual(results.executions.filter((e) => e.group !== undefined).map((e) => [e.number, e.group]), [[252, 1], [253, 2]]);
  assert.match(r.stdout, /2 distinct failure\(s\) among 2 failing execution\(s\)/);
  assert.match(r.stdout, /\[1\] fail: 503 on load-balancer → app-server \(GET \/urls\/prettyurl\)\n\s+AssertionError: status 500\n\s+1 failing execution\(s\): #252; deterministic \(2\/2 replay\(s\) failed the same way\)/);
  assert.match(r.stdout, /\[2\] fail: 502 on load-balancer → app-server/);
  for (const g of triage.groups) {
    assert.ok(existsSync(join(dir, g.counterexample!)));
    const replayDir = tempDir();
    const replay = await cli(['--counterexample-file', join(dir, g.counterexample!), '--replays', '2', '--port', '0', '--output-dir', replayDir]);
    assert.equal(replay.code, 1, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /Every fault of the counterexample was injected/);
    // --replays on a counterexample: 2 more runs, unnumbered, labelled.
    assert.match(replay.stdout, /Replayed 2 more time\(s\): 2\/2 gave the same verdict \(deterministic\)\./);
    const replayResults = JSON.parse(readFileSync(join(replayDir, 'results.json'), 'utf8')) as RunResults;
    assert.equal(replayResults.executions.length, 1);
    assert.deepEqual(replayResults.replay_stability, { runs: 2, reproduced: 2, stability: 'deterministic' });
  }
});

test('a fallback call before a propagating one: 30 failing executions, 5 distinct failures (one per fault on a → b), no minimising replay', async () => {
  const servicesConfig = chainConfig({ a: [{ to: 'c', onFailure: 'fallback' }, { to: 'b', onFailure: 'propagate' }], b: [], c: [] });
  const outcome = await run({ test: { kind: 'module', value: `${TEST_MODULE}#resilient` }, servicesConfig });
  const { counts, triage } = outcome.results;
  assert.deepEqual([counts.ran, counts.failed], [36, 30]);
  assert.equal(triage!.groups.length, 5);
  for (const g of triage!.groups) {
    assert.deepEqual(g.faults.map((f) => short(f.description).replace(/^\S+ on /, '')), ['a → b']);
    assert.equal(g.executions.length, 6, 'the single fault, and the same fault with each of the 5 on a → c');
    assert.equal(g.stability, 'deterministic');
  }
  // Each pair contains a single already found failing and minimal: it joins that group without a replay.
  assert.deepEqual([triage!.minimisation_runs, triage!.confirmation_runs], [0, 5]);
});

test('a 2-attempt retry: every failure needs both attempts to fail (25 minimal pairs); a subset no execution ran is replayed once and cached', async () => {
  const servicesConfig = chainConfig({ a: [{ to: 'b', attempts: 2, onFailure: 'propagate' }], b: [] });
  const outcome = await run({ test: { kind: 'module', value: `${TEST_MODULE}#resilient` }, servicesConfig, replays: 0 });
  const triage = outcome.results.triage!;
  assert.equal(outcome.results.counts.failed, 25);
  assert.equal(triage.groups.length, 25);
  assert.ok(triage.groups.every((g) => g.faults.length === 2 && g.minimal && g.stability === 'not replayed'));
  // ddmin probes {first attempt's fault} (explored: it passes, the retry succeeds) and {second attempt's
  // fault} alone, which no execution ran: replayed once per distinct fault (5), its call never happens,
  // so it does not fail; the 20 other probes of it come from the cache.
  assert.deepEqual([triage.minimisation_runs, triage.answered_without_running, triage.confirmation_runs], [5, 45, 0]);
  assert.equal(outcome.results.counts.ran, 31);
});

test('replays label a failure that does not always reproduce as flaky', async () => {
  const servicesConfig = chainConfig({ a: [{ to: 'b', onFailure: 'propagate' }], b: [] });
  const outcome = await run({ test: { kind: 'module', value: `${TEST_MODULE}#flakyUnderFaults` }, servicesConfig, dynamicReduction: false, replays: 2 });
  // Calls 1 (no fault) … 6: the faulted calls 3 and 5 fail. Replays are calls 7, 8 and 9, 10: one of two fails.
  const triage = outcome.results.triage!;
  assert.deepEqual(outcome.failing.map((f) => f.result.number), [3, 5]);
  assert.deepEqual(triage.groups.map((g) => [g.executions, g.stability, g.replays]), [
    [[3], 'flaky', { runs: 2, reproduced: 1 }],
    [[5], 'flaky', { runs: 2, reproduced: 1 }],
  ]);
});

test('--no-triage: no groups, every failing execution listed as before', async () => {
  const dir = tempDir();
  const r = await cli(['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--no-triage', '--port', '0', '--output-dir', dir]);
  assert.equal(r.code, 1);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
  assert.equal(results.triage, undefined);
  assert.doesNotMatch(r.stdout, /distinct failure/);
  assert.match(r.stdout, /#11 fail: node\.ECONNREFUSED on foo → bar/);
});
