/**
 * filibusterTest: the whole exploration inside one node:test test, in that test's process. Checked by
 * running a real node:test file (test/fixtures/in-process/) as a child: the executed fault sets equal the
 * module runner's, every execution ran in one process, and each failing execution is a failing subtest
 * naming its fault set. The same functional test written for vitest and for jest (their `expect`), run by
 * the real vitest and jest on `filibuster()`, explores the identical list of fault sets.
 * Orders: filibusterTest and filibuster() explore by size (their default, a user's run's), the reference
 * `run()` depth-first (explore()'s); on the tutorial, whose faults are all single ones, both give the same
 * executions in the same order (10 ran + 1 pruned on the fixed variant).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { DIST, faultSets, ROOT, run, tempDir } from './helpers.js';

const FIXTURE = join(DIST, 'test/fixtures/in-process/tutorial-node-test.js');

function nodeTest(fixed: boolean): { status: number | null; stdout: string; results: RunResults; pids: string[] } {
  const dir = tempDir();
  const outputDir = join(dir, 'out');
  const pidsLog = join(dir, 'pids.log');
  const env: NodeJS.ProcessEnv = { ...process.env, OUTPUT_DIR: outputDir, PIDS_LOG: pidsLog };
  delete env.FILIBUSTER_URL;
  delete env.NODE_TEST_CONTEXT; // else the child reports to us in the runner's internal format
  if (fixed) env.TUTORIAL_FIXED = '1';
  const child = spawnSync(process.execPath, ['--test', '--test-reporter=tap', FIXTURE], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as RunResults;
  const pids = readFileSync(pidsLog, 'utf8').trim().split('\n');
  return { status: child.status, stdout: child.stdout + child.stderr, results, pids };
}

const sets = (r: RunResults) => r.executions.map((e) => `${e.status}:${e.faults.map((f) => f.description).join(' + ') || 'no fault'}`);

test('filibusterTest on the buggy tutorial: the module runner\'s fault sets, one process, the failing execution as a failing subtest', async () => {
  const reference = await run({
    test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') },
    servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'),
  });
  const inTest = nodeTest(false);
  assert.deepEqual(sets(inTest.results), faultSets(reference));
  assert.equal(inTest.results.test.kind, 'function');
  // Every ran execution called the function once, all in the same process (triage replays included).
  assert.ok(inTest.pids.length >= inTest.results.counts.ran, `${inTest.pids.length} calls for ${inTest.results.counts.ran} executions`);
  assert.equal(new Set(inTest.pids).size, 1, `pids: ${[...new Set(inTest.pids)].join(', ')}`);
  assert.notEqual(inTest.status, 0);
  assert.match(inTest.stdout, /not ok \d+ - execution 11 \(node\.ECONNREFUSED on foo → bar \(GET \/bar\)\): fail: AssertionError: expected 503 under a fault, got 500/);
  assert.match(inTest.stdout, /not ok \d+ - the tutorial under faults/);
});

test('filibusterTest on the fixed tutorial: the test passes', () => {
  const inTest = nodeTest(true);
  assert.equal(inTest.status, 0, inTest.stdout);
  assert.equal(inTest.results.counts.ran, 10);
  assert.match(inTest.stdout, /ok \d+ - the tutorial under faults/);
});

function otherRunner(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; output: string; results: RunResults } {
  const outputDir = join(tempDir(), 'out');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, OUTPUT_DIR: outputDir };
  delete childEnv.FILIBUSTER_URL;
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawnSync(process.execPath, args, { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 180_000 });
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as RunResults;
  return { status: child.status, output: child.stdout + child.stderr, results };
}

test('the same test written for vitest and for jest explores the identical fault sets, and fails on the tutorial\'s bug', () => {
  const reference = nodeTest(false).results;
  const vitest = otherRunner([join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', join(DIST, 'test/fixtures/in-process'), 'tutorial-vitest']);
  assert.deepEqual(sets(vitest.results), sets(reference));
  assert.notEqual(vitest.status, 0);
  assert.match(vitest.output, /execution 11 \(node\.ECONNREFUSED on foo → bar \(GET \/bar\)\): fail/);
  const jest = otherRunner(
    [join(ROOT, 'node_modules/jest/bin/jest.js'), '--rootDir', join(DIST, 'test/fixtures/in-process'), '--testMatch', '**/tutorial-jest.spec.js', '--transform', '{}'],
    { NODE_OPTIONS: `--experimental-vm-modules ${process.env.NODE_OPTIONS ?? ''}`.trim() },
  );
  assert.deepEqual(sets(jest.results), sets(reference));
  assert.notEqual(jest.status, 0);
  assert.match(jest.output, /execution 11 \(node\.ECONNREFUSED on foo → bar \(GET \/bar\)\): fail/);
});
