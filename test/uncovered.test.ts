/**
 * Connections the instrumentation does not cover (HTTP/2, raw TCP/TLS opened by application code) are
 * listed with the run's background calls and in the report, once each, so a user knows they went
 * unexplored; the service's ordinary fetch is covered and not listed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, ROOT, run } from './helpers.js';

test('HTTP/2 and raw TCP connections made while serving a request are listed as not instrumented, the fetch is not', async () => {
  const outcome = await run({
    test: { kind: 'module', value: join(DIST, 'test/fixtures/uncovered/test-module.js') },
    servicesConfig: join(ROOT, 'test/fixtures/uncovered/services.json'),
    triage: false,
  });
  const listed = outcome.results.background_calls;
  assert.ok(listed.some((l) => /^opaque: HTTP\/2 127\.0\.0\.1:\d+ \(not instrumented: never faulted\)$/.test(l)), listed.join('\n'));
  assert.ok(listed.some((l) => /^opaque: raw TCP 127\.0\.0\.1:\d+ \(not instrumented: never faulted\)$/.test(l)), listed.join('\n'));
  // Once each, though every execution opens them again.
  assert.ok(outcome.results.counts.ran > 1);
  assert.equal(listed.filter((l) => l.includes('HTTP/2')).length, 1);
  assert.ok(!listed.some((l) => l.includes('/plain')), 'the covered fetch is not listed');
  // The fetch is an ordinary instrumented call, explored as usual.
  assert.equal(outcome.results.executions[0].calls, 1);
  const html = readFileSync(join(outcome.resultsPath, '..', 'report.html'), 'utf8');
  assert.match(html, /opaque: HTTP\/2 127\.0\.0\.1:\d+ \(not instrumented: never faulted\)/);
});
