/**
 * A crash is readable: the log tail in its verdict keeps the real error line and leaves out the lines of an
 * HTTP client's error dump that only show our own X-Filibuster-* headers.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Tail } from '../orchestrator/runner/process-tree.js';
import { DIST, run, tempDir, writeJson } from './helpers.js';

test("the tail leaves out our headers' lines, and nothing else", () => {
  const tail = new Tail();
  tail.push("AxiosError: connect ECONNREFUSED 127.0.0.1:9\n  headers: {\n    'x-filibuster-execution': 'abc-2',\n    'X-Filibuster-Vclock': '{}',\n    X-Filibuster-Execution-Index: [[1]]\n    'user-agent': 'axios/1.21.1'\n  }\nNode.js v20\n");
  const readable = tail.readable(20);
  assert.doesNotMatch(readable, /filibuster/i);
  assert.match(readable, /AxiosError: connect ECONNREFUSED/);
  assert.match(readable, /'user-agent': 'axios\/1\.21\.1'/);
});

test("an error's property dump is folded, so the tail ends with the error's message and stack", () => {
  const dump = Array.from({ length: 40 }, (_, i) => `  property${i}: ${i},`).join('\n');
  const tail = new Tail();
  tail.push(`service listening\nnode:internal/process/promises:391\n    triggerUncaughtException(err, true);\n    ^\n\nAxiosError: Request failed with status code 503\n    at settle (axios/lib/core/settle.js:19:12)\n    at async publish (accounts/bus-client.ts:24:7) {\n${dump}\n}\n\nNode.js v20.20.2\n`);
  const readable = tail.readable(8);
  assert.match(readable, /^AxiosError: Request failed with status code 503$/m);
  assert.match(readable, /at async publish \(accounts\/bus-client\.ts:24:7\) \{ … 40 lines of the error object's properties … \}$/m);
  assert.match(readable, /Node\.js v20\.20\.2$/);
  assert.doesNotMatch(readable, /property\d/);
});

test('a short property list (code, errno, syscall) stays as it is', () => {
  const tail = new Tail();
  tail.push("Error: connect ECONNREFUSED 127.0.0.1:9\n    at TCPConnectWrap.afterConnect (node:net:1607:16) {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect'\n}\n\nNode.js v20\n");
  assert.match(tail.readable(20), /code: 'ECONNREFUSED'/);
});

// The end-to-end run checks the crash path with a real dump; which lines of it fall in the tail depends on
// the client's dump format (axios 1.21's ends without header lines), so the filter itself is the test above.
test('a real crash under the instrumentation: its verdict shows the error, not our headers', { timeout: 60_000 }, async () => {
  const config = writeJson(tempDir(), 'services.json', {
    services: { ledger: { command: `"${process.execPath}" "${join(DIST, 'test/fixtures/crash-dump/service.js')}"`, env: { DEAD_URL: 'http://127.0.0.1:9' } } },
  });
  const outcome = await run({ test: { kind: 'module', value: join(DIST, 'test/fixtures/crash-dump/test-module.js') }, servicesConfig: config, identity: 'original' });
  const first = outcome.results.executions[0];
  assert.equal(first.verdict, 'crash', first.detail);
  assert.match(first.detail!, /service ledger exited with code 1/);
  assert.match(first.detail!, /ECONNREFUSED/);
  assert.doesNotMatch(first.detail!, /x-filibuster/i);
  // axios's dump (request, sockets, agent) is folded: the error line and Node's banner are both in the tail.
  assert.match(first.detail!, /^AxiosError: /m);
  assert.match(first.detail!, /lines of the error object's properties/);
  assert.match(first.detail!, /Node\.js v\d+/);
});
