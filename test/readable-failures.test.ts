/**
 * Readable failures, end to end on the tutorial with its bug (connection refused on foo → bar makes foo
 * answer 500): the failing execution in results.json and in its counterexample has the test's output with
 * the real error line as its detail, the entry response the test got (status, headers, body excerpt), and
 * the lines each service wrote while it ran; passing executions keep none of it. As a command test and as
 * a test module. And what the log lines cannot say is said: executions that overlap under --workers, and
 * services the runner did not start.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { CounterexampleFile } from '../orchestrator/results/counterexample.js';
import type { ExecutionResult } from '../orchestrator/results/run-results.js';
import { TestBed } from '../orchestrator/run/test-bed.js';
import { Session } from '../orchestrator/server/session.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { DIST, ROOT, run, tempDir, writeJson } from './helpers.js';

const SERVICES = join(ROOT, 'corpus/foo-bar-baz/services.json');
const FIXTURES = join(DIST, 'test/fixtures/readable');
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'orchestrator/results/results.schema.json'), 'utf8')) as object);

/** The failing execution (the tutorial has one), checked for what every kind of test keeps. */
function failingOf(outcome: ExplorationOutcome): ExecutionResult {
  const results = JSON.parse(readFileSync(outcome.resultsPath, 'utf8')) as unknown;
  assert.ok(validate(results), ajv.errorsText(validate.errors, { separator: '\n' }));
  const failing = outcome.results.executions.filter((e) => e.verdict === 'fail');
  assert.equal(failing.length, 1, outcome.results.executions.map((e) => `#${e.number} ${e.verdict}: ${e.detail}`).join('\n'));
  const [e] = failing;
  assert.match(e.faults.map((f) => f.description).join(' + '), /ECONNREFUSED on foo → bar/);
  assert.doesNotMatch(e.detail!, /Node\.js v\d|exit code/);

  // What the test received: foo's 500, with express's error page naming the error.
  assert.equal(e.entry?.length, 1);
  const [entry] = e.entry!;
  assert.equal(entry.service, 'foo');
  assert.equal(entry.status, 500);
  assert.match(entry.headers?.['content-type'] ?? '', /^text\/html/);
  assert.match(entry.body_excerpt ?? '', /TypeError: fetch failed/);
  assert.equal(entry.body_bytes, Buffer.byteLength(entry.body_excerpt!));

  // What the services wrote meanwhile: foo logged the error it could not handle.
  assert.deepEqual(Object.keys(e.logs ?? {}).sort(), ['bar', 'baz', 'foo']);
  assert.match(e.logs!.foo, /TypeError: fetch failed[\s\S]*ECONNREFUSED/);
  assert.equal(e.logs_note, undefined, 'one execution at a time, every service started by the runner: nothing to qualify');
  assert.doesNotMatch(JSON.stringify([e.output, e.entry, e.logs]), /x-filibuster/i);

  // Passing executions keep none of it (results.json stays small), their entry only what the matrix compares.
  for (const p of outcome.results.executions.filter((x) => x.verdict === 'pass')) {
    assert.equal(p.output ?? p.logs ?? p.logs_note, undefined, `#${p.number}`);
    // What the matrix compares and places (root_sequence), never the texts.
    for (const r of p.entry ?? []) assert.deepEqual(Object.keys(r).sort(), ['body_md5', 'content_type', 'method', 'path', 'root_sequence', 'service', 'status'], `#${p.number}`);
  }

  const counterexample = JSON.parse(readFileSync(join(outcome.resultsPath, '..', e.counterexample!), 'utf8')) as CounterexampleFile;
  assert.deepEqual({ output: counterexample.filibuster?.output, entry: counterexample.filibuster?.entry, logs: counterexample.filibuster?.logs }, { output: e.output, entry: e.entry, logs: e.logs });
  return e;
}

test('a command test: its stdout and stderr, the uncaught assertion as the detail', { timeout: 180_000 }, async () => {
  const outcome = await run({ test: { kind: 'command', value: `"${process.execPath}" "${join(FIXTURES, 'uncaught-test.js')}"` }, servicesConfig: SERVICES, triage: false });
  const e = failingOf(outcome);
  assert.match(e.detail!, /^AssertionError \[ERR_ASSERTION\]: expected 503 under a fault, got 500/);
  assert.match(e.output?.stdout ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/foo\n$/);
  assert.match(e.output?.stderr ?? '', /AssertionError[\s\S]*\n\s+at fooBarBaz[\s\S]*Node\.js v\d/);
  assert.equal(e.output?.error, undefined);
});

test('a test module: the thrown error with its stack, and what the test logged', { timeout: 180_000 }, async () => {
  const outcome = await run({ test: { kind: 'module', value: join(FIXTURES, 'logging-test.js') }, servicesConfig: SERVICES });
  const e = failingOf(outcome);
  assert.match(e.detail!, /^AssertionError: expected 503 under a fault, got 500/);
  assert.match(e.output?.error ?? '', /^AssertionError \[ERR_ASSERTION\]: expected 503 under a fault, got 500[\s\S]*\n\s+at fooBarBaz/);
  assert.match(e.output?.console ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/foo\n$/);
  assert.equal(e.output?.stdout ?? e.output?.stderr, undefined);
});

test('log lines say when they cannot be attributed: executions side by side, a service given by url', { timeout: 120_000 }, async () => {
  const outside = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  const node = `"${process.execPath}"`;
  const app = (name: string) => `"${join(DIST, 'corpus/foo-bar-baz', `${name}.js`)}"`;
  const servicesConfig = writeJson(tempDir(), 'services.json', {
    services: {
      baz: { command: `${node} ${app('baz')}` },
      bar: { command: `${node} ${app('bar')}`, env: { BAZ_URL: '${baz.url}' } },
      foo: { command: `${node} ${app('foo')}`, env: { BAR_URL: '${bar.url}' } },
      outside: { url: `http://127.0.0.1:${(outside.address() as AddressInfo).port}`, instrument: false },
    },
  });
  const bed = new TestBed(new Session());
  try {
    await bed.start({ test: { kind: 'module', value: join(FIXTURES, 'logging-test.js#alwaysFails') }, servicesConfig, port: 0, host: '127.0.0.1', outputDir: tempDir(), eiCompat: false, slots: 2 });
    // Both begin before either can end (a test makes a request): they overlap.
    const side = await Promise.all([bed.run(1, 'side-1', [], 30_000, [], 0), bed.run(2, 'side-2', [], 30_000, [], 1)]);
    for (const r of side) {
      assert.equal(r.judgement.verdict, 'fail', r.judgement.detail);
      assert.match(r.logs.note ?? '', /log lines cannot be attributed to one execution with --workers 2: these are the lines written while it ran, by any execution/);
    }
    const alone = await bed.run(3, 'alone', [], 30_000, [], 0);
    assert.doesNotMatch(alone.logs.note ?? '', /cannot be attributed/);
    assert.match(alone.logs.note ?? '', /not started by the runner \(given by url\), so their lines are not here: outside/);
    assert.deepEqual(Object.keys(alone.logs.services).sort(), ['bar', 'baz', 'foo']);
  } finally {
    await bed.close();
    outside.close();
  }
});
