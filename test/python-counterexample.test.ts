/**
 * A counterexample written by the Python tool replays with our CLI as the Python tool's own replay does:
 * `filibuster --counterexample-file counterexample.json --services services.json`, the test being the file's
 * `functional_test`, run in the current folder, its faults matched by the original's execution index.
 *
 * The fixture (test/fixtures/python-counterexample) is in the Python tool's format (reference §9.2:
 * `functional_test` and `TestExecution`, a JSON string with `_failures`, `_log`, `failures`, `log` and
 * `response_log`), for cinema-1's users → bookings call as the wire capture in test/fixtures/protocol has
 * it; the service is the python-like fixture, which reports that call with the original's own messages.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ORIGINAL_RULES } from '../instrumentation/protocol.js';
import { readCounterexample } from '../orchestrator/results/counterexample.js';
import { cli, DIST, ROOT, tempDir, writeJson } from './helpers.js';

const FIXTURE = join(ROOT, 'test/fixtures/python-counterexample/counterexample.json');
const PYTHON_LIKE = join(DIST, 'test/fixtures/python-like');
const BOOKINGS_EI = '[["6d254572e17a9dba41cc00ea054b35c2", 1]]';

function servicesConfig(): string {
  return writeJson(tempDir(), 'services.json', {
    services: { users: { command: `"${process.execPath}" "${join(PYTHON_LIKE, 'service.js')}"`, instrument: false, env: { ORCHESTRATOR_URL: '${orchestrator.url}' } } },
  });
}

interface Results {
  executions: { verdict: string; faults: { execution_index: string }[] }[];
}

test("the Python tool's counterexample names its test: the command, run in the current folder, with the original identity", () => {
  const ce = readCounterexample(FIXTURE);
  assert.deepEqual(ce.test, { kind: 'command', value: 'node check.js' });
  assert.deepEqual(ce.identity, ORIGINAL_RULES);
  assert.deepEqual(ce.failures.map((f) => f.execution_index), [BOOKINGS_EI]);
});

test("the Python tool's counterexample replays with the bare command and reproduces; the same fault ignored passes", { timeout: 60_000 }, async () => {
  const config = servicesConfig();
  const replay = async (obey: boolean) => {
    const out = tempDir();
    const env = obey ? ['--service-env', 'PYTHON_LIKE_OBEY=1'] : [];
    const r = await cli(['--counterexample-file', FIXTURE, '--services', config, '--port', '0', '--output-dir', out, ...env], { cwd: PYTHON_LIKE });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    return { ...r, results };
  };
  const reproduced = await replay(true);
  assert.equal(reproduced.code, 1, reproduced.stderr + reproduced.stdout);
  assert.equal(reproduced.results.executions.length, 1);
  assert.equal(reproduced.results.executions[0].verdict, 'fail');
  assert.deepEqual(reproduced.results.executions[0].faults.map((f) => f.execution_index), [BOOKINGS_EI]);
  assert.match(reproduced.stdout + reproduced.stderr, /Every fault of the counterexample was injected/);

  // The service told of the fault answers 200 all the same: the test's verdict, not the file, made it fail.
  const ignored = await replay(false);
  assert.equal(ignored.results.executions[0].verdict, 'pass', ignored.stderr + ignored.stdout);
  assert.equal(ignored.code, 0);
});
