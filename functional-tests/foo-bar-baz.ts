/**
 * The tutorial's functional test: GET /foo answers 200 when no fault is injected, and 503 when one is.
 * As a test module (`--test-module functional-tests/foo-bar-baz.js`) it is called once per execution;
 * run as a script (`--functional-test "node functional-tests/foo-bar-baz.js"`) it is the same check.
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

function fooUrl(ctx?: Context): string {
  return ctx?.services.foo?.url ?? process.env.FILIBUSTER_SERVICE_FOO_URL ?? 'http://127.0.0.1:5000';
}

export default async function fooBarBaz(ctx?: Context): Promise<void> {
  const response = await fetch(`${fooUrl(ctx)}/foo`);
  if (await wasFaultInjected()) {
    assert.equal(response.status, 503, `expected 503 under a fault, got ${response.status}`);
  } else {
    assert.equal(response.status, 200, `expected 200 without faults, got ${response.status}`);
    assert.deepEqual(await response.json(), { foo: 'ok', bar: { bar: 'ok', baz: { baz: 'ok' } } });
  }
}

// Run as a script: one execution, exit code = verdict.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  fooBarBaz().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
