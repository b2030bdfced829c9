/**
 * The analyser on fixtures the corpus does not have (test/fixtures/analysis/): fastify, http-errors,
 * next(err) with an Error subclass from another file, an enum and an `as const` object in other files,
 * plain JavaScript with require() (no @types), an unknown construct (a warning with file:line, no abort),
 * and call sites: handled vs unhandled connection refused, timeouts per client, status checks.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, type CallSite, type ServiceAnalysis } from '../analysis/index.js';
import { ROOT } from './helpers.js';

const FIXTURES = join(ROOT, 'test/fixtures/analysis');
const frameworks = analyze({ servicesDirectory: join(FIXTURES, 'frameworks') });
const service = (name: string): ServiceAnalysis => frameworks.services.find((s) => s.name === name)!;

test('fastify: reply.code(n), reply.status(n) and route({ handler }) give their codes per route', () => {
  assert.deepEqual(service('fastify-svc').frameworks, ['fastify']);
  assert.deepEqual(service('fastify-svc').codes, [500, 404, 503, 201]);
  assert.deepEqual(service('fastify-svc').routes.find((r) => r.path === '/items/:id')?.codes, [404, 503]);
});

test('http-errors: createError(404) and new createError.Forbidden()', () => {
  assert.deepEqual(service('http-errors-svc').codes, [500, 404, 403]);
});

test('next(err) with an Error subclass whose statusCode comes from the base constructor, in another file', () => {
  assert.deepEqual(service('next-svc').codes, [500, 409]);
  assert.deepEqual(service('next-svc').routes[0].codes, [409]);
});

test('an enum and an as-const object in other files, attributed to the routes that send them', () => {
  assert.deepEqual(service('enum-svc').codes, [500, 410, 429]);
  assert.deepEqual(service('enum-svc').routes.map((r) => r.codes), [[410], [429]]);
});

test('plain JavaScript with require() and no types: statusCode assignment and both branches of a conditional', () => {
  assert.deepEqual(service('plain-js-svc').codes, [500, 418, 200, 502]);
});

test('an unknown construct is a warning with file:line; the rest of the service is analysed', () => {
  assert.deepEqual(service('unknown-svc').codes, [500, 404]);
  const warning = frameworks.warnings.find((w) => w.file.endsWith('unknown-svc/index.ts'));
  assert.ok(warning, JSON.stringify(frameworks.warnings));
  assert.equal(warning.line, 6);
  assert.match(warning.message, /pick\(\)/);
});

const calls = analyze({ servicesDirectory: join(FIXTURES, 'calls') });
const caller = calls.services.find((s) => s.name === 'caller')!;
const site = (path: string): CallSite => {
  const found = caller.callSites.find((c) => c.target.includes(`/${path}`));
  assert.ok(found, `no call site for /${path}`);
  return found;
};

test('fetch with AbortSignal.timeout: connection refused handled (err.cause.code), the timeout rethrown', () => {
  const s = site('a');
  assert.equal(s.client, 'fetch');
  assert.equal(s.method, 'GET');
  assert.equal(s.timeout.visible, 'yes');
  assert.deepEqual(s.failures.ECONNREFUSED, { handled: 'yes', answers: [503], how: s.failures.ECONNREFUSED.how });
  assert.equal(s.failures.Timeout.handled, 'no');
  assert.ok(s.statusChecks.some((c) => c.includes('r.ok')));
});

test('fetch without a timeout and without a catch: connection refused is a finding (→ 500)', () => {
  const s = site('b');
  assert.equal(s.timeout.set, 'no');
  assert.equal(s.failures.ECONNREFUSED.handled, 'no');
  assert.deepEqual(s.failures.ECONNREFUSED.answers, [500]);
  assert.ok(caller.findings.some((f) => f.line === s.line && f.failure === 'ECONNREFUSED'));
});

test('axios { timeout }: visible; the catch answers 504 on ECONNABORTED and 503 otherwise', () => {
  const s = site('c');
  assert.equal(s.client, 'axios');
  assert.equal(s.timeout.visible, 'yes');
  assert.deepEqual(s.failures.Timeout.answers, [504]);
  assert.equal(s.failures.ECONNREFUSED.handled, 'yes');
});

test('got { timeout: { request } }: set but not visible to the instrumentation; .catch() handles failures', () => {
  const s = site('d');
  assert.equal(s.client, 'got');
  assert.equal(s.timeout.set, 'yes');
  assert.equal(s.timeout.visible, 'no');
  assert.equal(s.failures.ECONNREFUSED.handled, 'yes');
});

test("http.request { timeout }: visible; an 'error' listener handles failures; the method comes from the options", () => {
  const s = site('e');
  assert.equal(s.client, 'http');
  assert.equal(s.method, 'POST');
  assert.equal(s.timeout.visible, 'yes');
  assert.equal(s.failures.ECONNREFUSED.handled, 'yes');
});

test('switch (err.cause.code): the ECONNREFUSED case handles it, the default rethrows the timeout', () => {
  const s = site('f');
  assert.equal(s.method, 'PUT');
  assert.equal(s.failures.ECONNREFUSED.handled, 'yes');
  assert.equal(s.failures.Timeout.handled, 'no');
});
