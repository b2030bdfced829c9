/**
 * A counterexample replayed against a different application says so (exit 2, naming both sets of
 * services) instead of injecting nothing and passing; against its own application it replays.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, DIST, ROOT, run, tempDir } from './helpers.js';

test('the tutorial\'s counterexample against cinema-1\'s services is refused; against its own it reproduces', async () => {
  const outcome = await run({ test: { kind: 'module', value: join(DIST, 'functional-tests/foo-bar-baz.js') }, servicesConfig: join(ROOT, 'corpus/foo-bar-baz/services.json'), triage: false });
  const counterexample = join(outcome.resultsPath, '..', outcome.failing[0].result.counterexample!);

  const elsewhere = await cli(['--counterexample-file', counterexample, '--services', join(ROOT, 'corpus/cinema-1/services.json'), '--port', '0', '--output-dir', tempDir()]);
  assert.equal(elsewhere.code, 2, elsewhere.stdout + elsewhere.stderr);
  assert.match(elsewhere.stderr, /recorded against services foo, none of which .*cinema-1\/services\.json starts \(it starts bookings, movies, showtimes, users\): it belongs to a different application/);

  const home = await cli(['--counterexample-file', counterexample, '--port', '0', '--output-dir', tempDir()]);
  assert.equal(home.code, 1, home.stdout + home.stderr);
  assert.match(home.stdout, /Every fault of the counterexample was injected/);
});
