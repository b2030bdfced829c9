/**
 * Readable failures, the pure parts: output bounded to its head and tail with what was cut said, our
 * X-Filibuster-* headers left out; the error line read from what the Node running these tests really prints
 * when a test dies (uncaught throw, unhandled rejection, assertion, process.exit after console.error, a
 * failed `node --test`); a thrown error described with its causes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bounded, BoundedText, OUTPUT_LIMIT_BYTES } from '../orchestrator/runner/bounded-text.js';
import { commandFailureDetail, errorLine } from '../orchestrator/runner/error-line.js';
import { describeError } from '../orchestrator/runner/error-text.js';
import { tempDir } from './helpers.js';

test('short output is kept whole; long output keeps its head and tail and says how many bytes were cut', () => {
  assert.equal(bounded('one\ntwo\n'), 'one\ntwo\n');
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${String(i).padStart(4, '0')}`);
  const text = `${lines.join('\n')}\n`;
  const kept = bounded(text);
  assert.ok(Buffer.byteLength(kept) <= OUTPUT_LIMIT_BYTES + 40, `${Buffer.byteLength(kept)} bytes kept`);
  assert.ok(kept.startsWith('line 0000\nline 0001\n'));
  assert.ok(kept.endsWith('line 4998\nline 4999\n'));
  const m = /\n… (\d+) bytes cut …\n/.exec(kept);
  assert.ok(m, kept.slice(0, 200));
  assert.equal(Buffer.byteLength(kept) - Buffer.byteLength(m[0]) + 1 + Number(m[1]), Buffer.byteLength(text), 'kept + cut = written');
});

test('one huge line keeps its end; a character split across chunks or at the cut stays whole', () => {
  const huge = `${'x'.repeat(100_000)} the error is here`;
  const kept = bounded(huge, 1024);
  assert.ok(kept.endsWith(' the error is here'));
  assert.match(kept, /^… \d+ bytes cut …\n/);
  const b = new BoundedText(64);
  const euro = Buffer.from('prix: 5 €\n');
  b.push(euro.subarray(0, euro.length - 2));
  b.push(euro.subarray(euro.length - 2));
  assert.equal(b.toString(), 'prix: 5 €\n');
  assert.doesNotMatch(bounded('€'.repeat(1000), 100), /\uFFFD/);
});

test("our headers' lines are left out of captured output, inline ones too, and nothing else", () => {
  const b = new BoundedText();
  const dump = [
    'AxiosError: Request failed with status code 500',
    '  headers: {',
    "    'x-filibuster-execution': 'run-2',",
    '    X-Filibuster-Vclock: {"a":1}',
    "    'user-agent': 'axios/1.21.1'",
    '  },',
    "  _header: 'GET /bar HTTP/1.1\\r\\nX-Filibuster-Execution: run-2\\r\\nHost: 127.0.0.1\\r\\n\\r\\n',",
  ].join('\n');
  for (const piece of dump.match(/[\s\S]{1,7}/g)!) b.push(piece); // lines arrive in pieces
  const text = b.toString();
  assert.doesNotMatch(text, /filibuster/i);
  assert.match(text, /AxiosError: Request failed with status code 500/);
  assert.match(text, /'user-agent': 'axios\/1\.21\.1'/);
  assert.match(text, /_header: 'GET \/bar HTTP\/1\.1\\r\\nHost: 127\.0\.0\.1\\r\\n/);
});

/** What this Node prints when the script dies: its stdout, stderr and exit code. */
function runNode(source: string, args: string[] = [], name = 'test.mjs'): { stdout: string; stderr: string; status: number | null } {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, source);
  // A `node --test` child of this test run would report to it, not print.
  const { NODE_TEST_CONTEXT: _context, NODE_OPTIONS: _options, ...env } = process.env;
  const r = spawnSync(process.execPath, [...args, file], { cwd: dir, env, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function detailOf(source: string, args: string[] = [], name?: string): string {
  const r = runNode(source, args, name);
  assert.notEqual(r.status, 0, 'the script must fail');
  return commandFailureDetail(r.status, null, r.stdout, r.stderr);
}

test('uncaught throw: the error line, not the version banner', () => {
  const detail = detailOf("console.log('calling the order service');\nthrow new Error('the order service answered 500');\n");
  assert.equal(detail, 'Error: the order service answered 500');
});

test('unhandled rejection of an error with a cause: the error and its cause', () => {
  const detail = detailOf(
    "async function main() {\n  throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5001'), { code: 'ECONNREFUSED' }) });\n}\nmain();\n",
  );
  assert.equal(detail, 'TypeError: fetch failed (cause: Error: connect ECONNREFUSED 127.0.0.1:5001)');
});

test('unhandled rejection of a value that is not an error: its reason', () => {
  assert.match(detailOf("Promise.reject('bar is down');\n"), /^UnhandledPromiseRejection: .*"bar is down"$/);
});

test('a thrown value that is not an error', () => {
  assert.equal(detailOf("throw 'bar is down';\n", [], 'test.cjs'), 'threw bar is down');
});

test('assert.strictEqual failure: the assertion message with its values, not the stack', () => {
  const detail = detailOf("import assert from 'node:assert';\nassert.strictEqual(500, 503);\n");
  assert.match(detail, /^AssertionError \[ERR_ASSERTION\]: Expected values to be strictly equal:\n/);
  assert.match(detail, /500 !== 503/);
  assert.doesNotMatch(detail, /\bat |Node\.js v/);
  const withMessage = detailOf("import assert from 'node:assert/strict';\nassert.equal(500, 503, 'expected 503 under a fault, got 500');\n");
  assert.match(withMessage, /^AssertionError \[ERR_ASSERTION\]: expected 503 under a fault, got 500/);
});

test('process.exit(1) after a console.error: the exit code and that line', () => {
  const detail = detailOf("console.log('GET /foo');\nconsole.error('expected 503 under a fault, got 500');\nprocess.exit(1);\n");
  assert.equal(detail, 'exit code 1: expected 503 under a fault, got 500');
  assert.equal(commandFailureDetail(3, null, '', ''), 'exit code 3');
  assert.equal(commandFailureDetail(null, 'SIGKILL', 'still working\n', ''), 'killed by SIGKILL: still working');
});

const NODE_TEST = "import test from 'node:test';\nimport assert from 'node:assert/strict';\ntest('GET /foo answers 503 under a fault', () => {\n  assert.equal(500, 503, 'expected 503 under a fault, got 500');\n});\n";

test('a failed node --test test, in the TAP and the spec reporter: its name and its error', () => {
  for (const reporter of ['tap', 'spec']) {
    const detail = detailOf(NODE_TEST, ['--test', `--test-reporter=${reporter}`], 'foo.test.mjs');
    assert.match(detail, /^"GET \/foo answers 503 under a fault" failed: .*expected 503 under a fault, got 500/, `${reporter}: ${detail}`);
  }
});

test('no error printed: errorLine says so', () => {
  assert.equal(errorLine('GET /foo\n200\n'), undefined);
});

test('a thrown error described: its detail with the first cause, its text with the stack and every cause', () => {
  const inner = new Error('connect ECONNREFUSED 127.0.0.1:5001');
  const err = new TypeError('fetch failed', { cause: inner });
  const { detail, text } = describeError(err);
  assert.equal(detail, 'TypeError: fetch failed (cause: Error: connect ECONNREFUSED 127.0.0.1:5001)');
  assert.match(text, /^TypeError: fetch failed\n\s+at /);
  assert.match(text, /\[cause\]: Error: connect ECONNREFUSED 127\.0\.0\.1:5001\n\s+at /);
  const aggregate = describeError(new AggregateError([new Error('first'), new Error('second')], 'both failed'));
  assert.match(aggregate.text, /\[errors\]\[0\]: Error: first[\s\S]*\[errors\]\[1\]: Error: second/);
  assert.equal(describeError({ status: 500 }).detail, 'threw { status: 500 }');
  const cyclic = new Error('outer');
  cyclic.cause = cyclic;
  assert.ok(describeError(cyclic).text.length < OUTPUT_LIMIT_BYTES + 100);
});
