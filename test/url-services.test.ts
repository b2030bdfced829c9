/**
 * Services given by `url` (the runner did not start them): the restart hook is validated when the services
 * file loads; a hook that fails says so; and a `url` service that dies with no hook makes that execution a
 * crash, then stops the run with a clear message (exit 3 from the CLI), keeping what was computed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadServicesConfig } from '../orchestrator/runner/service-config.js';
import { ServiceError } from '../orchestrator/runner/services.js';
import { runRestartHook } from '../orchestrator/runner/restart-hook.js';
import type { RunResults } from '../orchestrator/results/run-results.js';
import { localCompose } from './local-compose-plan.js';
import { DIST, run, tempDir, writeJson } from './helpers.js';

function loadError(services: Record<string, unknown>): string {
  const file = writeJson(tempDir(), 'services.json', { services });
  try {
    loadServicesConfig(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.slice(file.length + 2);
  }
  assert.fail('the config loaded');
}

test('a restart hook is checked when the services file loads', () => {
  const url = 'http://127.0.0.1:4001';
  assert.equal(loadError({ a: { command: 'node a.js', restart: 'x' } }), 'services.a.restart: is for a service given by "url": the runner restarts a service it starts (its "command") itself');
  assert.equal(loadError({ a: { url, restart: 3 } }), 'services.a.restart: must be a shell command, e.g. "docker compose restart a"');
  assert.equal(loadError({ a: { url, restart: '  ' } }), 'services.a.restart: must be a shell command, e.g. "docker compose restart a"');
  assert.equal(
    loadError({ a: { url, restart: 'restart ${a.host}' } }),
    'services.a.restart: unknown variable ${a.host} (known: orchestrator.url, <service>.url, <service>.port; an environment variable is $NAME, read by the shell)',
  );
  assert.equal(
    loadError({ a: { url, betweenExecutions: 'restart' } }),
    'services.a.betweenExecutions: is "restart", but the runner did not start this service (it has a "url"): give it "restart", a command that restarts it, or { "reset": "/path" }',
  );
  const file = writeJson(tempDir(), 'services.json', { services: { a: { url, restart: 'kubectl rollout restart deployment/a # ${a.url} ${orchestrator.url} $HOME' } } });
  assert.equal(loadServicesConfig(file).services[0].restart, 'kubectl rollout restart deployment/a # ${a.url} ${orchestrator.url} $HOME');
});

test('a hook that fails says how, with its last lines; one that succeeds says nothing', async () => {
  const base = { cwd: tempDir(), env: process.env };
  assert.equal(await runRestartHook({ ...base, command: 'echo restarted' }), undefined);
  assert.equal(await runRestartHook({ ...base, command: 'echo "no such service: baz" >&2; exit 4' }), 'its restart hook exited with code 4; its last lines:\nno such service: baz');
  assert.equal(await runRestartHook({ ...base, command: 'echo stuck; sleep 30', timeoutMs: 300 }), 'its restart hook did not finish within 0.3 s; its last lines:\nstuck');
});

test('a url service that dies with no restart hook: that execution is a crash, then the run stops and says why', { timeout: 60_000 }, async (t) => {
  const local = await localCompose(false);
  local.up();
  t.after(() => local.down());
  Object.assign(process.env, { LOCAL_COMPOSE_DIR: local.dir, LOCAL_COMPOSE_KILL: 'baz', LOCAL_COMPOSE_KILL_AT: '2' });
  const outputDir = tempDir();
  const stopped = run({
    test: { kind: 'module', value: join(DIST, 'test/fixtures/local-compose/crashing-test.js') },
    servicesConfig: local.servicesFile,
    port: local.orchestratorPort,
    token: local.token,
    triage: false,
    outputDir,
  });
  const why =
    /^service baz \(given by url: http:\/\/127\.0\.0\.1:\d+\) is down \(its health check failed after the execution, twice \(.*\)\), and the runner did not start it, so it cannot restart it: give it "restart" in the services file \(a command that restarts it, e.g. "docker compose restart baz"\), or restart it yourself and run again$/;
  await assert.rejects(stopped, (err: Error) => err instanceof ServiceError && why.test(err.message));
  const results = JSON.parse(readFileSync(join(outputDir, 'results.json'), 'utf8')) as RunResults;
  assert.deepEqual(results.executions.map((e) => e.verdict), ['pass', 'crash'], 'the crash is recorded, nothing runs after it');
  assert.equal(results.complete, false);
  assert.match(results.stop_reason, /^stopped by an error: service baz \(given by url/);
});
