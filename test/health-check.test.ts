/**
 * The `health` field of a service (service-config.ts) and its probe (runner/health.ts), with real
 * processes on 127.0.0.1 and real HTTP: an authenticated service (every route answers 401 without the
 * token, as a gateway behind a guard) starts with a probe that sends the token, and with the default probe
 * (any HTTP answer); a probe that wants 2xx from it fails with an error naming what was probed and what
 * came back; "tcp" starts a service that speaks no HTTP; bad `health` fields are refused when the config
 * loads, naming their place.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { instrument, runInExecution } from '../instrumentation/index.js';
import { ConfigError, loadServicesConfig, type HealthCheck } from '../orchestrator/runner/service-config.js';
import { ServiceError, ServiceManager } from '../orchestrator/runner/services.js';
import { DIST, tempDir, writeJson } from './helpers.js';

const FIXTURES = join(DIST, 'test/fixtures/health');
const node = (file: string) => `"${process.execPath}" "${join(FIXTURES, file)}"`;
const TOKEN = 'health-test-token-3f9a';

interface Logged {
  method: string;
  url: string;
  headers: string[];
  authorized: boolean;
}

/** A ServiceManager over a services config written from `services`; nothing is instrumented. */
function manager(services: Record<string, unknown>): ServiceManager {
  const dir = tempDir('filibuster-health-');
  const config = loadServicesConfig(writeJson(dir, 'services.json', { services }));
  return new ServiceManager(config, { orchestratorUrl: 'http://127.0.0.1:9', logDir: join(dir, 'logs'), eiCompat: false });
}

/** The auth-only service, its requests logged to a fresh file. */
function authOnly(health: unknown, extra: Record<string, unknown> = {}): { spec: Record<string, unknown>; requests: () => Logged[] } {
  const log = join(tempDir('filibuster-health-log-'), 'requests.jsonl');
  const spec = { command: node('auth-only.js'), instrument: false, env: { API_TOKEN: TOKEN, REQUEST_LOG: log }, ...(health === undefined ? {} : { health }), ...extra };
  const requests = () => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Logged);
    } catch {
      return [];
    }
  };
  return { spec, requests };
}

function get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Starts the services and expects a ServiceError; returns its message (the services are stopped). */
async function startFails(services: ServiceManager): Promise<string> {
  try {
    await services.start();
  } catch (err) {
    assert.ok(err instanceof ServiceError, String(err));
    return err.message;
  } finally {
    await services.stop();
  }
  assert.fail('the services started');
}

test('an authenticated service starts with health { path, headers, status }: the probe sends the header, never a Filibuster header', async () => {
  const gw = authOnly({ path: '/health', headers: { authorization: 'Bearer ${env.API_TOKEN}' }, status: [200] });
  const services = manager({ gw: gw.spec });
  // This process is instrumented as a test process is, and starts the services inside an execution: a
  // plain request made there carries the execution id; the probe must not.
  const instrumented = instrument({ serviceName: 'functional-test', orchestratorUrl: 'http://127.0.0.1:9', propagateOnly: true });
  try {
    await runInExecution('health-check-execution', async () => {
      await services.start();
      const url = services.endpoints().gw.url;
      assert.equal(await get(`${url}/health?control`, { authorization: `Bearer ${TOKEN}` }), 200);
    });
  } finally {
    instrumented.shutdown();
    await services.stop();
  }
  const requests = gw.requests();
  const control = requests.pop()!;
  assert.equal(control.url, '/health?control');
  assert.ok(control.headers.includes('x-filibuster-execution'), 'the control request is instrumented');
  assert.ok(requests.length >= 1);
  for (const probe of requests) {
    assert.equal(probe.method, 'GET');
    assert.equal(probe.url, '/health');
    assert.deepEqual(probe.headers.filter((h) => h.startsWith('x-filibuster-')), [], `the probe sent ${probe.headers.join(', ')}`);
  }
  assert.equal(requests.at(-1)!.authorized, true, 'the last probe carried the token');
});

test('with no health field any HTTP answer counts: the authenticated service starts on a 401 to GET /', async () => {
  const gw = authOnly(undefined);
  const services = manager({ gw: gw.spec });
  try {
    await services.start();
  } finally {
    await services.stop();
  }
  const last = gw.requests().at(-1)!;
  assert.deepEqual([last.method, last.url, last.authorized], ['GET', '/', false]);
  assert.deepEqual(last.headers.filter((h) => h.startsWith('x-filibuster-')), []);
});

test('"/path" wants 2xx: a 401 does not start the service, and the error names the probe and the answer', async () => {
  const plain = authOnly('/health', { startTimeoutMs: 1500 });
  const message = await startFails(manager({ gw: plain.spec }));
  assert.match(message, /^service gw did not pass its health check within 1500 ms: GET http:\/\/127\.0\.0\.1:\d+\/health, expecting a 2xx answer; last of \d+ attempt\(s\): answered 401 Unauthorized; last lines of its log:\n/);
  assert.match(message, /auth-only listening on \d+/, 'the log tail');

  // With headers: their names are said, never their values.
  const wrong = authOnly({ path: '/health', method: 'head', headers: { Authorization: 'Bearer not-the-token-1234' }, status: [200, 204] }, { startTimeoutMs: 1000 });
  const withHeaders = await startFails(manager({ gw: wrong.spec }));
  assert.match(withHeaders, /HEAD http:\/\/127\.0\.0\.1:\d+\/health with header Authorization, expecting 200 or 204; last of \d+ attempt\(s\): answered 401 Unauthorized/);
  assert.ok(!withHeaders.includes('not-the-token-1234'), withHeaders);
  assert.ok(wrong.requests().every((r) => r.method === 'HEAD'));
});

test('"tcp" starts a service that speaks no HTTP; an HTTP probe of it fails saying it is not HTTP', async () => {
  const tcp = manager({ banner: { command: node('banner.js'), instrument: false, health: 'tcp' } });
  try {
    await tcp.start();
    assert.ok(tcp.endpoints().banner.port > 0);
  } finally {
    await tcp.stop();
  }
  const message = await startFails(manager({ banner: { command: node('banner.js'), instrument: false, startTimeoutMs: 1000 } }));
  assert.match(message, /GET http:\/\/127\.0\.0\.1:\d+\/, expecting any HTTP answer; last of \d+ attempt\(s\): not an HTTP answer \(.*\) \(if it speaks no HTTP, give it "health": "tcp"\)/);
});

test('a service that exits while being probed: the wait ends at once, saying how and what was probed', async () => {
  const started = Date.now();
  const message = await startFails(
    manager({ gone: { command: `"${process.execPath}" -e "console.error('no config'); setTimeout(() => process.exit(3), 300)"`, instrument: false, health: 'tcp', startTimeoutMs: 20_000 } }),
  );
  assert.match(message, /^service gone exited with code 3 before answering its health check \(a TCP connection to 127\.0\.0\.1:\d+\); last lines of its log:\nno config/);
  assert.ok(Date.now() - started < 5_000, 'not waiting for the start timeout');
});

test('${env.NAME} in a health header: a variable the service is not given stops the start, named, before it is started', async () => {
  const gw = authOnly({ headers: { authorization: 'Bearer ${env.NO_SUCH_HEALTH_TOKEN}' } });
  const message = await startFails(manager({ gw: gw.spec }));
  assert.equal(message, 'service gw, health header authorization: ${env.NO_SUCH_HEALTH_TOKEN}: NO_SUCH_HEALTH_TOKEN is not set in its environment');
  assert.deepEqual(gw.requests(), []);
});

test('the health forms and their defaults', () => {
  const forms: [unknown, HealthCheck][] = [
    [undefined, { kind: 'http', path: '/', method: 'GET', headers: {}, status: 'any' }],
    ['/ready', { kind: 'http', path: '/ready', method: 'GET', headers: {}, status: '2xx' }],
    ['tcp', { kind: 'tcp' }],
    [{ headers: { 'x-api-key': '${orchestrator.url}' } }, { kind: 'http', path: '/', method: 'GET', headers: { 'x-api-key': '${orchestrator.url}' }, status: 'any' }],
    [{ method: 'head' }, { kind: 'http', path: '/', method: 'HEAD', headers: {}, status: '2xx' }],
    [{ path: '/h?deep=1', status: 'any' }, { kind: 'http', path: '/h?deep=1', method: 'GET', headers: {}, status: 'any' }],
    [{ status: 401 }, { kind: 'http', path: '/', method: 'GET', headers: {}, status: [401] }],
    [{ path: '/h', status: [200, 401, 200] }, { kind: 'http', path: '/h', method: 'GET', headers: {}, status: [200, 401] }],
    [{ headers: { authorization: 'Bearer ${env.API_TOKEN}', 'x-peer': '${other.url}:${other.port}' } }, { kind: 'http', path: '/', method: 'GET', headers: { authorization: 'Bearer ${env.API_TOKEN}', 'x-peer': '${other.url}:${other.port}' }, status: 'any' }],
  ];
  for (const [health, expected] of forms) {
    const file = writeJson(tempDir(), 'services.json', { services: { other: { url: 'http://127.0.0.1:8080' }, gw: { command: 'true', ...(health === undefined ? {} : { health }) } } });
    assert.deepEqual(loadServicesConfig(file).services[1].health, expected, JSON.stringify(health));
  }
});

test('bad health fields are refused when the config loads, naming their place', () => {
  const cases: [unknown, RegExp][] = [
    [{ method: 'FETCH' }, /: services\.gw\.health\.method: must be one of GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE$/],
    [{ method: 7 }, /: services\.gw\.health\.method: must be one of/],
    [{ status: [200, 600] }, /: services\.gw\.health\.status\[1\]: must be "any", an HTTP status \(100 to 599\) or a non-empty list of them$/],
    [{ status: 99 }, /: services\.gw\.health\.status: must be "any", an HTTP status/],
    [{ status: [] }, /: services\.gw\.health\.status: must be/],
    [{ status: '2xx' }, /: services\.gw\.health\.status: must be/],
    [{ path: '/', timeout: 500 }, /: services\.gw\.health\.timeout: unknown key \(known: path, method, headers, status; a TCP check is "health": "tcp"\)$/],
    [{ tcp: true }, /: services\.gw\.health\.tcp: unknown key/],
    ['health-check', /: services\.gw\.health: must be "\/path" \(GET, 2xx\), "tcp", or an object/],
    [200, /: services\.gw\.health: must be "\/path"/],
    [['/a'], /: services\.gw\.health: must be "\/path"/],
    [{ path: 'health' }, /: services\.gw\.health\.path: must be a path starting with "\/"/],
    [{ path: '//elsewhere.example/x' }, /: services\.gw\.health\.path: must be a path starting with "\/"/],
    [{ headers: ['authorization'] }, /: services\.gw\.health\.headers: must be an object/],
    [{ headers: { 'bad header': 'x' } }, /: services\.gw\.health\.headers\.bad header: is not a valid header name$/],
    [{ headers: { authorization: 42 } }, /: services\.gw\.health\.headers\.authorization: must be a string$/],
    [{ headers: { authorization: 'a\r\nx-injected: 1' } }, /: services\.gw\.health\.headers\.authorization: must not contain line breaks/],
    [{ headers: { 'X-Filibuster-Execution': 'e1' } }, /: services\.gw\.health\.headers\.X-Filibuster-Execution: the health probe never sends Filibuster headers$/],
    [{ headers: { Authorization: 'a', authorization: 'b' } }, /: services\.gw\.health\.headers\.authorization: is given twice/],
    [{ headers: { authorization: 'Bearer ${nope.url}' } }, /: services\.gw\.health\.headers\.authorization: unknown variable \$\{nope\.url\} \(known: orchestrator\.url, <service>\.url, <service>\.port, env\.NAME\)$/],
    [{ headers: { authorization: 'Bearer ${env.}' } }, /: services\.gw\.health\.headers\.authorization: unknown variable \$\{env\.\}/],
  ];
  for (const [health, expected] of cases) {
    const file = writeJson(tempDir(), 'services.json', { services: { gw: { command: 'true', health } } });
    assert.throws(() => loadServicesConfig(file), (err: Error) => err instanceof ConfigError && err.message.startsWith(file) && expected.test(err.message), JSON.stringify(health));
  }
  const file = writeJson(tempDir(), 'services.json', { services: { gw: { command: 'true', startTimeoutMs: '5000' } } });
  assert.throws(() => loadServicesConfig(file), /: services\.gw\.startTimeoutMs: must be a positive number of milliseconds$/);
});
