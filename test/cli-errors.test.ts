/**
 * Acceptance 6 (the CLI's part): bad input gets a clear message and the right exit code, and results.json
 * keeps every execution finished before the problem.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, DIST, ROOT, tempDir, writeJson } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const TEST_MODULE = join(DIST, 'functional-tests/foo-bar-baz.js');
const base = (dir: string) => ['--port', '0', '--output-dir', dir];

test('no functional test given: usage error', async () => {
  const r = await cli(['--services', SERVICES, ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no functional test: give --functional-test CMD or --test-module/);
});

test('unknown flag: usage error', async () => {
  const r = await cli(['--test-module', TEST_MODULE, '--bogus-flag', ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown arguments?: bogus-flag/);
});

test('missing analysis file: usage error naming the file', async () => {
  const missing = join(tempDir(), 'nope.json');
  const r = await cli(['--test-module', TEST_MODULE, '--services', SERVICES, '--analysis-file', missing, ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${missing}: cannot read the analysis file (ENOENT)`), r.stderr);
});

test('analysis file that is not JSON: usage error naming the file and the problem', async () => {
  const dir = tempDir();
  const file = join(dir, 'analysis.json');
  writeFileSync(file, '{"http": {"pattern": ');
  const r = await cli(['--test-module', TEST_MODULE, '--services', SERVICES, '--analysis-file', file, ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.ok(r.stderr.includes(`${file}: not valid JSON`), r.stderr);
});

test('analysis file with a bad entry: the place and the problem', async () => {
  const file = writeJson(tempDir(), 'analysis.json', { http: { pattern: 'requests\\.get', errors: [{ service_name: '.*', types: [{ return_value: { status_code: 503 } }] }] } });
  const r = await cli(['--test-module', TEST_MODULE, '--services', SERVICES, '--analysis-file', file, ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /entry "http", errors\[0\], types\[0\]: return_value\.status_code must be a string/);
});

test('a test command that does not exist: usage error, nothing explored', async () => {
  const dir = tempDir();
  const r = await cli(['--functional-test', 'no-such-test-command-xyz', '--services', SERVICES, ...base(dir)]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /the test command was not found .*no-such-test-command-xyz/);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.executions.length, 1);
  assert.match(results.stop_reason, /stopped by an error: the test command was not found/);
});

test('a test module without the named export: usage error listing what it exports', async () => {
  const r = await cli(['--test-module', `${TEST_MODULE}#nope`, '--services', SERVICES, ...base(tempDir())]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /has no exported function "nope" \(functions exported: default\)/);
});

test('a service that never becomes healthy: infrastructure error with its log tail', async () => {
  const dir = tempDir();
  const config = writeJson(tempDir(), 'services.json', {
    services: { broken: { command: `"${process.execPath}" -e "console.log('starting up'); setInterval(() => {}, 1000)"`, startTimeoutMs: 1000 } },
  });
  const r = await cli(['--test-module', TEST_MODULE, '--services', config, ...base(dir)]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /service broken did not pass its health check within 1000 ms: GET http:\/\/127\.0\.0\.1:\d+\/, expecting any HTTP answer; last of \d+ attempt\(s\): connection refused \(ECONNREFUSED\)/);
  assert.match(r.stderr, /starting up/);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.executions.length, 0);
});

test('a service that exits at start: infrastructure error saying how', async () => {
  const config = writeJson(tempDir(), 'services.json', {
    services: { crashing: { command: `"${process.execPath}" -e "console.error('no database'); process.exit(4)"` } },
  });
  const r = await cli(['--test-module', TEST_MODULE, '--services', config, ...base(tempDir())]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /service crashing exited with code 4 before answering its health check/);
  assert.match(r.stderr, /no database/);
});

test('a test that hangs under faults: verdict hang per execution, exploration goes on, results kept', async () => {
  const dir = tempDir();
  const r = await cli(['--test-module', `${join(DIST, 'test/fixtures/hang-test.js')}#hangsUnderFault`, '--services', SERVICES, '--timeout', '1', '--max-tests', '3', ...base(dir)]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.deepEqual(results.executions.map((e: { verdict: string }) => e.verdict), ['pass', 'hang', 'hang']);
  assert.match(results.executions[1].detail, /did not finish within 1000 ms/);
  assert.equal(results.complete, false);
  assert.match(r.stdout, /Stopped early: --max-tests 3 reached; 8 scheduled execution\(s\) not explored/);
  const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n');
  assert.equal(journal.length, 3);
});

test('a test that fails without any fault: nothing explored, said so', async () => {
  const config = writeJson(tempDir(), 'services.json', {
    services: {
      foo: { command: `"${process.execPath}" -e "require('http').createServer((q, s) => { s.statusCode = q.url === '/health-check' ? 200 : 500; s.end() }).listen(process.env.PORT, '127.0.0.1')"` },
    },
  });
  const r = await cli(['--test-module', TEST_MODULE, '--services', config, ...base(tempDir())]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /the test fails without any fault \(fail: AssertionError/);
});

test('Ctrl-C: the execution in flight is abandoned, services stopped, results of finished executions written', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const marker = `filibuster-interrupt-${process.pid}-${Date.now()}`;
  const child = spawn(process.execPath, [
    join(DIST, 'orchestrator/cli/main.js'),
    '--test-module', `${join(DIST, 'test/fixtures/hang-test.js')}#hangsUnderFault`,
    '--services', SERVICES,
    '--timeout', '600',
    '--service-env', `INTERRUPT_MARKER=${marker}`,
    ...base(dir),
  ]);
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', () => {});
  // Execution 1 passes; execution 2 hangs (for up to 600 s). Interrupt once the first is journaled.
  const journal = join(dir, 'journal.jsonl');
  while (!(existsSync(journal) && readFileSync(journal, 'utf8').trim().split('\n').filter(Boolean).length >= 1)) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200)); // let execution 2 start hanging
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, stdout);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.stop_reason, 'interrupted');
  assert.equal(results.complete, false);
  assert.deepEqual(results.executions.map((e: { verdict: string }) => e.verdict), ['pass']);
  // No process started for this run is left (the services carry the marker in their environment).
  const survivors = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'latin1').includes(marker);
      } catch {
        return false;
      }
    });
  assert.deepEqual(survivors, []);
});
