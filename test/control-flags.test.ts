/**
 * The exploration-control flags from the CLI: bad values are usage errors (exit 2, a clear message, nothing
 * run), --time-budget stops a run and says so, and --help documents the flags.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseDuration } from '../orchestrator/search/budget.js';
import { cli, DIST, ROOT, tempDir } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const TEST_MODULE = join(DIST, 'functional-tests/foo-bar-baz.js');
const base = (dir: string) => ['--test-module', TEST_MODULE, '--services', SERVICES, '--port', '0', '--output-dir', dir];

const badValues: [string[], RegExp][] = [
  [['--order', 'foo'], /Invalid values:\s+Argument: order, Given: "foo", Choices: "dfs", "by-size"/],
  [['--time-budget', 'abc'], /--time-budget: "abc" is not a duration \(e\.g\. 90s, 5m, 1h, 500ms; a bare number is seconds\)/],
  [['--time-budget', '0s'], /--time-budget: "0s" must be more than zero/],
  [['--max-faults', '0'], /--max-faults must be a whole number of at least 1 \(got 0\)/],
  [['--max-faults', '1.5'], /--max-faults must be a whole number of at least 1 \(got 1\.5\)/],
  [['--max-tests', '0'], /--max-tests must be a whole number of at least 1 \(got 0\)/],
  [['--replays', '-1'], /--replays must be a whole number of at least 0 \(got -1\)/],
  [['--exclude-edge', 'bar'], /edge filter "bar" must read "caller -> callee"/],
];

for (const [flags, message] of badValues) {
  test(`${flags.join(' ')}: usage error, exit 2, nothing run`, async () => {
    const dir = tempDir();
    const r = await cli([...base(dir), ...flags]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.equal(existsSync(join(dir, 'results.json')), false);
  });
}

test('durations: units and bare seconds', () => {
  assert.deepEqual(['90s', '5m', '1h', '500ms', '2', '1.5m'].map(parseDuration), [90_000, 300_000, 3_600_000, 500, 2_000, 90_000]);
});

test('--time-budget 1ms: the fault-free execution runs, then the run stops and says what it left unexplored', async () => {
  const dir = tempDir();
  const r = await cli([...base(dir), '--time-budget', '1ms']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.counts.ran, 1);
  assert.equal(results.counts.not_explored, 10);
  assert.equal(results.complete, false);
  assert.equal(results.stop_reason, '--time-budget 1ms used up');
  assert.match(r.stdout, /Explored 1, pruned 0, not explored 10\.\nStopped early: --time-budget 1ms used up; 10 scheduled execution\(s\) not explored\./);
});

test('--help documents the exploration-control flags', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const flag of ['--max-tests', '--max-faults', '--time-budget', '--order', '--include-service', '--exclude-edge', '--include-fault', '--triage', '--replays']) {
    assert.ok(r.stdout.includes(flag), `--help lacks ${flag}`);
  }
});
