/**
 * Beyond loopback the orchestrator requires a token: real requests without it (or with another) get 401,
 * the health check stays open, and a whole run on 0.0.0.0 works because our instrumentation and the test
 * helpers present the generated token.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runToken } from '../orchestrator/server/auth.js';
import { startServer } from '../orchestrator/server/server.js';
import { Session } from '../orchestrator/server/session.js';
import { cli, DIST, ROOT, tempDir } from './helpers.js';

const TOKEN = 'a-token-of-enough-length-123';

test('with a token: 401 without it or with another, health check open, 200 with it', async () => {
  const server = await startServer(new Session(), 0, '0.0.0.0', TOKEN);
  try {
    const url = `http://127.0.0.1:${server.port}`;
    const create = (headers: Record<string, string>) => fetch(`${url}/filibuster/create`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const missing = await create({});
    assert.equal(missing.status, 401);
    assert.match(((await missing.json()) as { error: string }).error, /requires its token/);
    assert.equal((await create({ 'x-filibuster-token': 'a-token-of-enough-length-124' })).status, 401);
    assert.equal((await fetch(`${url}/fault-injected`)).status, 401);
    assert.equal((await fetch(`${url}/health-check`)).status, 200);
    // With the token the request reaches validation (an empty create is malformed: 400, not 401).
    assert.equal((await create({ 'x-filibuster-token': TOKEN })).status, 400);
  } finally {
    await server.close();
  }
});

test('token rules: none needed on loopback, generated beyond it, a given one checked', () => {
  assert.equal(runToken('127.0.0.1', undefined).token, undefined);
  assert.equal(runToken('::1', undefined).token, undefined);
  const generated = runToken('0.0.0.0', undefined);
  assert.equal(generated.generated, true);
  assert.match(generated.token!, /^[0-9a-f]{48}$/);
  assert.equal(runToken('0.0.0.0', TOKEN).token, TOKEN);
  assert.throws(() => runToken('0.0.0.0', 'short'), /--token must be at least 16 characters/);
});

test('a run on 0.0.0.0: token generated and printed, services and test present it, the tutorial explores as on loopback', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const r = await cli(['--test-module', join(DIST, 'functional-tests/foo-bar-baz.js'), '--services', join(ROOT, 'corpus/foo-bar-baz/services.json'), '--service-env', 'TUTORIAL_FIXED=1', '--host', '0.0.0.0', '--port', '0', '--output-dir', dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /listens on 0\.0\.0\.0, beyond loopback: its clients must present the token [0-9a-f]{48}/);
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  assert.equal(results.counts.ran, 10);
  assert.equal(results.counts.pruned, 1);
  assert.equal(results.counts.inconclusive, 0);
});
