/**
 * One call identity for real deployments (DESIGN §13): an application whose test uses fresh random ids in
 * paths and queries explores exactly as the same application with fixed ids, with a services file that
 * only says how to start the services; services called by a host name are named by service.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { idShaped, CompiledRules, calleeName } from '../instrumentation/identity-rules.js';
import { ORIGINAL_RULES } from '../instrumentation/protocol.js';
import type { ExplorationOutcome } from '../orchestrator/run/exploration.js';
import { DIST, run, writeJson, tempDir } from './helpers.js';

const SHOP = join(DIST, 'test/fixtures/random-ids/shop.js');
const TEST_MODULE = join(DIST, 'test/fixtures/random-ids/test-module.js');

function shopConfig(): string {
  const service = (role: string, env: Record<string, string> = {}) => ({ command: `"${process.execPath}" "${SHOP}"`, env: { ROLE: role, ...env } });
  return writeJson(tempDir(), 'services.json', {
    services: { accounts: service('accounts'), orders: service('orders'), shop: service('shop', { ACCOUNTS_URL: '${accounts.url}', ORDERS_URL: '${orders.url}' }) },
  });
}

/** What was explored, by status, fault type and edge: the same whatever the ids were. */
function explored(outcome: ExplorationOutcome): string[] {
  return outcome.results.executions.map((e) => `${e.status}:${e.verdict ?? ''}:${e.faults.map((f) => `${f.forced_exception?.name ?? f.failure_metadata?.return_value?.status_code} on ${f.edge?.caller} → ${f.edge?.callee}`).join(' + ')}`);
}

test('id shapes: numbers, UUIDs, hex, base64-like tokens and prefixed ids are slots; words are not', () => {
  for (const id of ['42', '-7', '3.5', '0b7d3c1e-8f2a-4e5b-9c6d-1a2b3c4d5e6f', 'deadbeef01', 'aGVsbG8td29ybGQtMTIzNDU', 'usr_8f3a9c2d', 'order-1042']) assert.ok(idShaped(id), id);
  for (const word of ['users', 'profile', 'v1', 'amber-birch', 'deadbeef', 'checkout', '']) assert.ok(!idShaped(word), word);
  const rules = new CompiledRules({ mode: 'templated', templates: ['/orders/:v/:id'], ignoredQuery: ['ts'], slottedQuery: ['session'] });
  assert.equal(rules.path('/accounts/0b7d3c1e-8f2a-4e5b-9c6d-1a2b3c4d5e6f/profile?session=abc&nonce=deadbeef01&ts=1&page=2'), '/accounts/:id/profile?session=:v&nonce=:v&page=:v');
  assert.equal(rules.path('/orders/amber-birch/77'), '/orders/:v/:id');
  assert.equal(new CompiledRules(ORIGINAL_RULES).path('/accounts/42?nonce=deadbeef01'), '/accounts/42?nonce=deadbeef01', 'the original mode keeps values');
});

test('entry points are named with ids as slots in every mode (display only), a configured template first', () => {
  assert.equal(new CompiledRules(ORIGINAL_RULES).entryPath('/accounts/0b7d3c1e-8f2a-4e5b-9c6d-1a2b3c4d5e6f/profile'), '/accounts/:id/profile');
  assert.equal(new CompiledRules({ ...ORIGINAL_RULES, templates: ['/orders/:v/:id'] }).entryPath('/orders/amber-birch/77'), '/orders/:v/:id');
  assert.equal(new CompiledRules(ORIGINAL_RULES).entryPath('/health'), '/health');
});

test('callees by service name: host:port, a name or alias on any port, a runner-started port under any host name', () => {
  const map = { '127.0.0.1:4001': 'bar', bar: 'bar', 'bar.internal': 'bar', '*:4001': 'bar' };
  assert.equal(calleeName('127.0.0.1', 4001, map), 'bar');
  assert.equal(calleeName('bar', 8080, map), 'bar');
  assert.equal(calleeName('bar.internal', 80, map), 'bar');
  assert.equal(calleeName('vm', 4001, map), 'bar');
  assert.equal(calleeName('api.example.test', 443, map), undefined);
});

test('fresh random ids in paths and queries: zero inconclusive, the same fault sets as fixed ids, the bug found', { timeout: 180_000 }, async () => {
  const random = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: shopConfig(), triage: false });
  // The test reads FIXED_IDS in its own process (the module worker inherits this one's environment).
  process.env.FIXED_IDS = '1';
  const fixed = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: shopConfig(), triage: false }).finally(() => delete process.env.FIXED_IDS);
  assert.equal((fixed.results.options.identity as { templates: string[] }).templates.length, 0, 'with fixed ids, nothing changes between the calibration runs');
  assert.equal(random.results.counts.inconclusive, 0, random.results.executions.map((e) => e.detail).filter(Boolean).join('\n'));
  assert.deepEqual(explored(random), explored(fixed));
  const bug = random.failing.map((f) => f.result.faults.map((x) => x.description).join(' + '));
  assert.ok(bug.some((d) => /^node\.ECONNREFUSED on shop → orders \(POST \/orders\/:v\/:id\)$/.test(d)), bug.join('\n'));
  // The calibration saw the basket word change (it is the shape of nothing) and made it a slot.
  const identity = random.results.options.identity as { templates: string[]; mode: string };
  assert.equal(identity.mode, 'templated');
  assert.ok(identity.templates.includes('/orders/:v/:id'), JSON.stringify(identity));
});

test('without templates, the divergence is named with its fix, and the run stops when it repeats', { timeout: 120_000 }, async () => {
  // The original identity keeps the raw ids: no execution can reproduce its scheduled calls.
  const outcome = await run({ test: { kind: 'module', value: TEST_MODULE }, servicesConfig: shopConfig(), identity: 'original', triage: false, inconclusiveRetries: 0 });
  const { results } = outcome;
  assert.match(results.stop_reason, /^3 executions could not reproduce their scheduled calls, for the same reason: path segment 2 of shop → accounts \(GET \/accounts\/[^)]+\) was "[0-9a-f-]{36}" and is now "[0-9a-f-]{36}": a value that changes from run to run; add "pathTemplates": \["\/accounts\/:value\/profile"\] to the services config$/);
  assert.equal(results.counts.inconclusive, 3);
  assert.equal(results.complete, false);
});

test('a client of the original protocol switches the run to the Python profile, which then explores as if told', { timeout: 120_000 }, async () => {
  const config = writeJson(tempDir(), 'services.json', {
    services: { users: { command: `"${process.execPath}" "${join(DIST, 'test/fixtures/python-like/service.js')}"`, instrument: false, env: { ORCHESTRATOR_URL: '${orchestrator.url}' } } },
  });
  const test = { kind: 'module' as const, value: join(DIST, 'test/fixtures/python-like/test-module.js') };
  const said: string[] = [];
  const switched = await run({ test, servicesConfig: config, log: (m) => said.push(m) });
  const told = await run({ test, servicesConfig: config, profile: 'python' });
  assert.ok(said.some((m) => /switching to the Python profile/.test(m)), said.join('\n'));
  for (const outcome of [switched, told]) {
    assert.equal(outcome.results.options.profile, 'python');
    assert.equal((outcome.results.options.identity as { mode: string }).mode, 'original');
  }
  const sets = (o: ExplorationOutcome) => o.results.executions.map((e) => `${e.status}:${e.faults.map((f) => f.description).join(' + ')}`);
  assert.deepEqual(sets(switched), sets(told));
  assert.ok(switched.results.executions.length > 1, 'the python-like call was explored');
});
