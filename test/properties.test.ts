/**
 * sometimes / always / unreachable, evaluated by the functional test across the tutorial's executions.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

const FIXTURE = join(DIST, 'test/fixtures/properties-test.js');
const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');

test('properties that hold: sometimes held in the 9 faulted executions, always in all 10; the run passes', async () => {
  const outcome = await run({ test: { kind: 'module', value: `${FIXTURE}#degrades` }, servicesConfig: SERVICES, serviceEnv: { TUTORIAL_FIXED: '1' } });
  assert.equal(outcome.failing.length, 0);
  const byName = new Map(outcome.results.properties!.map((p) => [p.name, p]));
  assert.deepEqual(
    { held: byName.get('foo degrades to 503')!.held_in, satisfied: byName.get('foo degrades to 503')!.satisfied },
    { held: 9, satisfied: true },
  );
  assert.deepEqual({ held: byName.get('foo answers 200 or 503')!.held_in, failed: byName.get('foo answers 200 or 503')!.failed_in }, { held: 10, failed: 0 });
});

test('a sometimes property no execution reaches fails the run (exit 1) and says which, though every execution passed', async () => {
  const r = await cli(['--test-module', `${FIXTURE}#teapot`, '--services', SERVICES, '--service-env', 'TUTORIAL_FIXED=1', '--port', '0', '--output-dir', tempDir()]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /0 failing/);
  assert.match(r.stdout, /Properties: 0 satisfied, 1 violated\./);
  assert.match(r.stdout, /sometimes "foo answers 418": never held in 10 execution\(s\)/);
});

test('always and unreachable fail exactly the execution that breaks them (buggy tutorial: #11, refused foo → bar)', async () => {
  const outcome = await run({ test: { kind: 'module', value: `${FIXTURE}#invariant` }, servicesConfig: SERVICES, triage: false });
  assert.deepEqual(outcome.failing.map((f) => f.result.number), [11]);
  const [failing] = outcome.failing;
  assert.equal(failing.result.verdict, 'fail');
  assert.match(failing.result.detail ?? '', /always property "foo never answers 500" failed 1 time\(s\) \(in functional-test\)/);
  assert.match(failing.result.detail ?? '', /unreachable "foo crashed to 500" was reached \(in functional-test\)/);
  const summary = outcome.results.properties!.map((p) => p.verdict).sort();
  assert.deepEqual(summary, ['always "foo never answers 500": failed in 1 execution(s) (#11)', 'unreachable "foo crashed to 500": reached in 1 execution(s) (#11)']);
});
