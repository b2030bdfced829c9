/**
 * Living next to OpenTelemetry: calls under its suppress-tracing context (how exporters send) are left
 * alone; `shutdown()` removes only wrappers that are still ours; control traffic goes below any tracing
 * wrapper; and the zero-code preload loads nothing of OpenTelemetry.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { instrument } from '../instrumentation/instrument.js';
import { unwrapped } from '../instrumentation/otel-context.js';
import { HEADERS } from '../instrumentation/protocol.js';
import { DIST, ROOT, tempDir } from './helpers.js';

/** A server answering with the request's Filibuster execution header (or "none"). */
async function echoServer(): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => res.end(String(req.headers[HEADERS.execution] ?? 'none')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

const fetchText = (url: string) => fetch(url).then((r) => r.text());

test('calls under suppress-tracing carry nothing of ours; the others do; shutdown leaves a wrapper on top of ours', async () => {
  const echo = await echoServer();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const originalRequest = http.request;
  const instrumented = instrument({ serviceName: 'test', orchestratorUrl: 'http://127.0.0.1:9', propagateOnly: true, executionId: 'e-1' });
  try {
    assert.equal(await httpGet(echo.url), 'e-1');
    assert.equal(await fetchText(echo.url), 'e-1');
    const suppressed = suppressTracing(context.active());
    assert.equal(await context.with(suppressed, () => httpGet(echo.url)), 'none');
    assert.equal(await context.with(suppressed, () => fetchText(echo.url)), 'none');

    // Someone wraps over our http.request and fetch.
    const ours = http.request;
    const theirs = function request(this: unknown, ...args: unknown[]) {
      return (ours as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    } as typeof http.request;
    http.request = theirs;
    const oursFetch = globalThis.fetch;
    const theirFetch = ((...args: Parameters<typeof fetch>) => oursFetch(...args)) as typeof fetch;
    globalThis.fetch = theirFetch;
    instrumented.shutdown();
    assert.equal(http.request, theirs, 'their wrapper is still installed');
    assert.equal(globalThis.fetch, theirFetch);
    // Ours, still in their chain, passes through.
    assert.equal(await new Promise((resolve) => http.request(echo.url, (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => resolve(t)); }).end()), 'none');
    assert.equal(await fetchText(echo.url), 'none');
    http.request = originalRequest;
  } finally {
    instrumented.shutdown();
    context.disable();
    echo.close();
  }
});

test('shutdown with nothing wrapped over ours restores the exact originals', () => {
  const before = { request: http.request, get: http.get, fetch: globalThis.fetch, emit: http.Server.prototype.emit };
  const instrumented = instrument({ serviceName: 'test', orchestratorUrl: 'http://127.0.0.1:9', propagateOnly: true, executionId: 'e-2' });
  assert.notEqual(http.request, before.request);
  instrumented.shutdown();
  assert.deepEqual({ request: http.request, get: http.get, fetch: globalThis.fetch, emit: http.Server.prototype.emit }, before);
});

test('unwrapped() finds the function below shimmer wrappers (OpenTelemetry marks them with __original)', () => {
  const base = () => 1;
  const once = Object.assign(() => 2, { __original: base });
  const twice = Object.assign(() => 3, { __original: once });
  assert.equal(unwrapped(twice), base);
  assert.equal(unwrapped(base), base);
});

test('the zero-code preload loads no @opentelemetry module, with or without an orchestrator URL', async () => {
  const register = join(DIST, 'instrumentation/register.js');
  const hooks = join(ROOT, 'test/fixtures/otel/load-log.mjs');
  for (const url of ['', 'http://127.0.0.1:9']) {
    const log = join(tempDir(), 'otel-loads.txt');
    const env = { ...process.env, FILIBUSTER_URL: url, OTEL_LOAD_LOG: log, NODE_OPTIONS: '' };
    // A fetch and an http request, so that everything a call loads is loaded.
    const script = "import http from 'node:http'; await fetch('http://127.0.0.1:9/').catch(() => {}); await new Promise((r) => http.get('http://127.0.0.1:9/').on('error', r));";
    await promisify(execFile)(process.execPath, ['--import', hooks, '--import', register, '--input-type=module', '-e', script], { env });
    const loaded = existsSync(log) ? readFileSync(log, 'utf8').trim() : '';
    assert.equal(loaded, '', `FILIBUSTER_URL=${url || '(unset)'} loaded: ${loaded}`);
  }
  // The recorder does record: importing the API shows up.
  const log = join(tempDir(), 'otel-loads.txt');
  await promisify(execFile)(process.execPath, ['--import', hooks, '--input-type=module', '-e', "await import('@opentelemetry/api')"], { env: { ...process.env, OTEL_LOAD_LOG: log, NODE_OPTIONS: '' }, cwd: ROOT });
  assert.match(readFileSync(log, 'utf8'), /@opentelemetry\/api/);
});
