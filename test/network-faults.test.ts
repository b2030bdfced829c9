/**
 * Network conditions in the orchestrator: catalogue validation (bad input names the file, the entry and
 * the problem), resolution against a call and its path (the delay a relative latency or a seeded jitter
 * picks; where a fault is not offered), descriptions in results, soundness of dynamic reduction, and the
 * verdicts of a black hole with and without a caller timeout (real services, real traffic).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogueError, FaultCatalogue } from '../orchestrator/catalogue/catalogue.js';
import { faultInWords } from '../orchestrator/search/model.js';
import { chainConfig, TEST_MODULE } from './chain-fixtures.js';
import { faultSets, run, tempDir, writeJson } from './helpers.js';

const NODE = 'node\\.(http|fetch|undici)\\.[A-Z]+$';

function catalogue(exceptions: unknown[]): FaultCatalogue {
  return FaultCatalogue.fromJson({ conditions: { pattern: NODE, exceptions } }, 'test catalogue');
}

function loadError(exceptions: unknown[], errors?: unknown[]): string {
  const path = writeJson(tempDir(), 'conditions.json', { 'my-entry': { pattern: NODE, exceptions, ...(errors ? { errors } : {}) } });
  try {
    FaultCatalogue.fromFile(path);
  } catch (err) {
    assert.ok(err instanceof CatalogueError, String(err));
    assert.ok(err.message.startsWith(path), `the message names the file: ${err.message}`);
    assert.match(err.message, /entry "my-entry", exceptions\[0\]|entry "my-entry", errors\[0\]/);
    return err.message;
  }
  assert.fail('the catalogue was accepted');
}

test('catalogue: bad network-condition entries are refused with the file, the entry and the problem', () => {
  assert.match(loadError([{ name: 'node.Lag', metadata: { delay_ms: 5 } }]), /unknown Node fault "node\.Lag"/);
  assert.match(loadError([{ name: 'node.Latency', metadata: { delay_ms: -5 } }]), /delay_ms must be a number of milliseconds >= 0, got -5/);
  assert.match(loadError([{ name: 'node.Latency', metadata: {} }]), /needs one of: delay_ms; relative_to with offset_ms; min_ms, max_ms and seed/);
  assert.match(loadError([{ name: 'node.Latency', metadata: { relative_to: 'grandparent', offset_ms: 1 } }]), /relative_to must be "timeout" or "parent_timeout"/);
  assert.match(loadError([{ name: 'node.Latency', metadata: { min_ms: 90, max_ms: 10, seed: 1 } }]), /max_ms must be >= min_ms/);
  assert.match(loadError([{ name: 'node.Latency', metadata: { delay_ms: 5, jitter: 3 } }]), /unknown parameter "jitter"/);
  assert.match(loadError([{ name: 'node.Sliced', metadata: { slice_bytes: 'x', delay_ms: 5 } }]), /slice_bytes must be an integer >= 1, got "x"/);
  assert.match(loadError([{ name: 'node.SlowBody', metadata: {} }]), /bytes_per_second must be a number > 0 \(missing\)/);
  assert.match(loadError([{ name: 'node.TruncatedBody', metadata: { mode: 'half' } }]), /mode must be "close" or "content_length"/);
  assert.match(loadError([{ name: 'node.BlackHole', metadata: { after_ms: 3 } }]), /unknown parameter "after_ms" \(allowed: none\)/);
  assert.match(
    loadError([], [{ service_name: '.*', types: [{ return_value: { status_code: '429', headers: { 'Retry-After': 2 } } }] }]),
    /return_value\.headers must be an object of strings/,
  );
});

test('catalogue: the default catalogue offers no network condition; the example catalogue loads', () => {
  const names = FaultCatalogue.default()
    .exceptionFaults({ module: 'node.fetch', method: 'GET', metadata: { timeout: 1, hostname: 'users.internal' }, parentMetadata: { timeout: 2 } })
    .map((f) => f.name);
  assert.deepEqual(names, ['node.ECONNREFUSED', 'node.Timeout']);
  const example = FaultCatalogue.fromFile(new URL('../../corpus/network-conditions.json', import.meta.url).pathname);
  const offered = example.exceptionFaults({ module: 'node.fetch', method: 'GET', metadata: { timeout: 2, hostname: 'users.internal' }, parentMetadata: { timeout: 5 }, ei: '[["a", 1]]' });
  assert.ok(offered.length >= 10, offered.map((f) => f.name).join());
});

test('latency: fixed, relative to the call\'s timeout (just over, just under), relative to the parent\'s, jitter from a seed', () => {
  const delays = (spec: Record<string, unknown>, call: { metadata: Record<string, unknown>; parentMetadata?: Record<string, unknown>; ei?: string }) =>
    catalogue([{ name: 'node.Latency', metadata: spec }])
      .exceptionFaults({ module: 'node.fetch', method: 'GET', ...call })
      .map((f) => f.metadata.delay_ms);
  assert.deepEqual(delays({ delay_ms: 250 }, { metadata: {} }), [250]);
  assert.deepEqual(delays({ relative_to: 'timeout', offset_ms: 100 }, { metadata: { timeout: 2 } }), [2100]);
  assert.deepEqual(delays({ relative_to: 'timeout', offset_ms: -100 }, { metadata: { timeout: 2 } }), [1900]);
  // No visible timeout: nothing to be relative to, so not offered.
  assert.deepEqual(delays({ relative_to: 'timeout', offset_ms: 100 }, { metadata: {} }), []);
  // Relative to the call this one is serving: offered where the delay ends before the call's own timeout.
  assert.deepEqual(delays({ relative_to: 'parent_timeout', offset_ms: 100 }, { metadata: { timeout: 15 }, parentMetadata: { timeout: 1 } }), [1100]);
  assert.deepEqual(delays({ relative_to: 'parent_timeout', offset_ms: 100 }, { metadata: {}, parentMetadata: { timeout: 1 } }), [1100]);
  assert.deepEqual(delays({ relative_to: 'parent_timeout', offset_ms: 100 }, { metadata: { timeout: 15 }, parentMetadata: { timeout: 55 } }), []);
  assert.deepEqual(delays({ relative_to: 'parent_timeout', offset_ms: 100 }, { metadata: { timeout: 15 } }), []);
  // Jitter: one delay per call, the same for the same call and seed, within the range.
  const jitter = (seed: number, ei: string) => delays({ min_ms: 100, max_ms: 200, seed }, { metadata: {}, ei })[0] as number;
  assert.equal(jitter(7, '[["a", 1]]'), jitter(7, '[["a", 1]]'));
  const spread = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => jitter(seed, '[["a", 1]]')));
  assert.ok(spread.size > 1, 'different seeds pick different delays');
  for (const d of spread) assert.ok(d >= 100 && d <= 200, `${d} out of range`);
});

test('DNS faults are offered only for calls by host name', () => {
  const c = catalogue([{ name: 'node.ENOTFOUND' }, { name: 'node.EAI_AGAIN' }]);
  assert.deepEqual(c.exceptionFaults({ module: 'node.http', method: 'GET', metadata: { hostname: 'users.internal' } }).map((f) => f.name), ['node.ENOTFOUND', 'node.EAI_AGAIN']);
  assert.deepEqual(c.exceptionFaults({ module: 'node.http', method: 'GET', metadata: {} }), []);
});

test('descriptions: each fault in words, with its parameters', () => {
  const words = (name: string, metadata: Record<string, unknown>) => faultInWords({ forced_exception: { name, metadata } });
  assert.equal(words('node.Latency', { delay_ms: 1100 }), 'latency 1.1 s');
  assert.equal(words('node.Latency', { relative_to: 'timeout', offset_ms: -100, delay_ms: 900 }), "latency 900 ms (the call's timeout − 100 ms)");
  assert.equal(words('node.Latency', { min_ms: 50, max_ms: 150, seed: 7, delay_ms: 93 }), 'latency 93 ms (jitter 50–150 ms, seed 7)');
  assert.equal(words('node.BlackHole', {}), 'black hole');
  assert.equal(words('node.ResetMidBody', { after_bytes: 10 }), 'reset mid-body after 10 bytes');
  assert.equal(words('node.TruncatedBody', { after_bytes: 10, mode: 'content_length' }), 'truncated body after 10 bytes (short Content-Length)');
  assert.equal(words('node.CorruptBody', {}), 'corrupted body (1 byte at 0)');
  assert.equal(words('node.SlowBody', { bytes_per_second: 512 }), 'bandwidth 512 B/s');
  assert.equal(words('node.Sliced', { slice_bytes: 8, delay_ms: 30 }), 'sliced 8 B every 30 ms');
  assert.equal(words('node.ENOTFOUND', {}), 'DNS ENOTFOUND');
  assert.equal(faultInWords({ failure_metadata: { return_value: { status_code: '429', headers: { 'Retry-After': '2' } } } }), '429 (Retry-After: 2)');
});

test('dynamic reduction never prunes an execution whose latency lets the callee answer: what the caller saw depends on the faults below', async () => {
  // a → b → c; b propagates c's failure as a 503. {latency on a → b, refused on b → c} would be pruned if
  // the latency counted as an exception (one run had the latency on a → b, another the refusal on b → c),
  // but a then sees a late 503 instead of a late 200: new behaviour, so it must run.
  const servicesConfig = chainConfig({ a: [{ to: 'b', onFailure: 'propagate' }], b: [{ to: 'c', onFailure: 'propagate' }], c: [] });
  const outcome = await run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig,
    catalogue: catalogue([{ name: 'node.Latency', metadata: { delay_ms: 50 } }, { name: 'node.ECONNREFUSED' }]),
    dynamicReduction: true,
  });
  const sets = faultSets(outcome);
  assert.ok(sets.includes('ran:node.ECONNREFUSED on b → c (GET /work) + latency 50 ms on a → b (GET /work)'), sets.join('\n'));
  assert.equal(outcome.failing.length, 0);
});

test('black hole: a caller with a timeout gives up and falls back; a caller without one hangs, and the hang names the call', async () => {
  const withTimeout = await run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig: chainConfig({ a: [{ to: 'b', onFailure: 'fallback', timeoutMs: 300 }], b: [] }),
    catalogue: catalogue([{ name: 'node.BlackHole' }]),
  });
  assert.deepEqual(faultSets(withTimeout), ['ran:no fault', 'ran:black hole on a → b (GET /work)']);
  assert.deepEqual(withTimeout.results.executions.map((e) => e.verdict), ['pass', 'pass']);

  const withoutTimeout = await run({
    test: { kind: 'module', value: TEST_MODULE },
    servicesConfig: chainConfig({ a: [{ to: 'b', onFailure: 'fallback', timeoutMs: null }], b: [] }),
    catalogue: catalogue([{ name: 'node.BlackHole' }]),
    timeoutMs: 3000,
  });
  const hung = withoutTimeout.results.executions[1];
  assert.equal(hung.verdict, 'hang');
  assert.equal(hung.finding, 'never-returned');
  assert.match(hung.detail ?? '', /^call a → b \(GET \/work\) never returned: no timeout visible \(fault: black hole\)/);
  assert.ok(hung.counterexample, 'a hang is a counterexample');
});
