/**
 * Acceptance 1: the tutorial. The buggy run fails at execution 11 (connection refused on foo → bar) and
 * writes its counterexample, which replays to the same failure; the fixed run passes with exactly 10 ran +
 * 1 pruned, in the order of the original's worked example (filibuster-python §5.3), the prune being 503 on
 * foo → bar at execution 7; 11 ran without dynamic reduction. Every count here is the original's
 * depth-first order's: `explore()` without `order` (these runs) is dfs; the CLI's replay runs one execution.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCounterexample } from '../orchestrator/results/counterexample.js';
import { cli, DIST, faultSets, ROOT, run, tempDir } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const TEST = { kind: 'module' as const, value: join(DIST, 'functional-tests/foo-bar-baz.js') };

// The worked example of the original, execution by execution.
const EXPECTED = [
  'ran:no fault',
  'ran:503 on bar → baz (GET /baz)',
  'ran:502 on bar → baz (GET /baz)',
  'ran:500 on bar → baz (GET /baz)',
  'ran:node.Timeout on bar → baz (GET /baz)',
  'ran:node.ECONNREFUSED on bar → baz (GET /baz)',
  'pruned:503 on foo → bar (GET /bar)',
  'ran:502 on foo → bar (GET /bar)',
  'ran:500 on foo → bar (GET /bar)',
  'ran:node.Timeout on foo → bar (GET /bar)',
  'ran:node.ECONNREFUSED on foo → bar (GET /bar)',
];

test('fixed tutorial: 10 ran + 1 pruned, in the original order', async () => {
  const outcome = await run({ test: TEST, servicesConfig: SERVICES, serviceEnv: { TUTORIAL_FIXED: '1' } });
  assert.deepEqual(faultSets(outcome), EXPECTED);
  assert.equal(outcome.results.counts.ran, 10);
  assert.equal(outcome.results.counts.pruned, 1);
  assert.equal(outcome.results.executions[6].number, 7);
  assert.equal(outcome.failing.length, 0);
  assert.equal(outcome.results.complete, true);
});

test('fixed tutorial without dynamic reduction: 11 ran', async () => {
  const outcome = await run({ test: TEST, servicesConfig: SERVICES, serviceEnv: { TUTORIAL_FIXED: '1' }, dynamicReduction: false });
  assert.deepEqual(faultSets(outcome), EXPECTED.map((e) => e.replace('pruned:', 'ran:')));
  assert.equal(outcome.results.counts.ran, 11);
});

test('buggy tutorial: execution 11 fails on a connection error on foo → bar, and its counterexample replays', async () => {
  const outputDir = tempDir();
  const outcome = await run({ test: TEST, servicesConfig: SERVICES, outputDir });
  assert.deepEqual(
    outcome.results.executions.map((e) => `${e.number}:${e.status}:${e.verdict ?? ''}`),
    EXPECTED.map((e, i) => `${i + 1}:${e.split(':')[0]}:${e.startsWith('pruned') ? '' : i === 10 ? 'fail' : 'pass'}`),
  );
  const failing = outcome.results.executions[10];
  assert.equal(failing.faults[0].description, 'node.ECONNREFUSED on foo → bar (GET /bar)');
  assert.match(failing.detail ?? '', /expected 503 under a fault, got 500/);
  assert.equal(failing.counterexample, 'counterexamples/execution-11.json');

  // The file is the original's format: TestExecution is a JSON string with the failure in it.
  const path = join(outputDir, failing.counterexample);
  const file = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(typeof file.TestExecution, 'string');
  const te = JSON.parse(file.TestExecution);
  assert.deepEqual(Object.keys(te).sort(), ['_failures', '_log', 'failures', 'log', 'response_log']);
  assert.equal(te.failures[0].forced_exception.name, 'node.ECONNREFUSED');

  // Replay through the CLI, as a user would: the same failure, every planned fault injected, exit 1.
  const replayDir = tempDir();
  const replay = await cli(['--counterexample-file', path, '--port', '0', '--output-dir', replayDir]);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /#1 fail: node\.ECONNREFUSED on foo → bar/);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
  const replayed = JSON.parse(readFileSync(join(replayDir, 'results.json'), 'utf8'));
  assert.equal(replayed.executions.length, 1);
  assert.equal(replayed.executions[0].verdict, 'fail');
  assert.deepEqual(readCounterexample(path).failures, te.failures);
});

test('replaying the counterexample against the fixed variant passes', async () => {
  const outputDir = tempDir();
  const buggy = await run({ test: TEST, servicesConfig: SERVICES, outputDir, failFast: true });
  assert.equal(buggy.results.stop_reason, '--fail-fast: execution 11 failed');
  const path = join(outputDir, buggy.failing[0].result.counterexample!);
  const replay = await cli(['--counterexample-file', path, '--port', '0', '--output-dir', tempDir(), '--service-env', 'TUTORIAL_FIXED=1']);
  assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /Every fault of the counterexample was injected/);
});

test('spawn mode (--functional-test) finds the same failure as module mode', async () => {
  const outcome = await run({
    test: { kind: 'command', value: `"${process.execPath}" "${join(DIST, 'functional-tests/foo-bar-baz.js')}"` },
    servicesConfig: SERVICES,
  });
  assert.deepEqual(faultSets(outcome), EXPECTED);
  assert.equal(outcome.failing.length, 1);
  assert.equal(outcome.failing[0].result.number, 11);
});
