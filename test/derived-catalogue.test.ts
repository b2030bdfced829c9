/**
 * The catalogue of a plain run comes from the services' source (cli/derived-catalogue.ts): each call is
 * offered what its callee can answer, a 404 included; --no-analysis, the Python profile and services the
 * analyser cannot read keep the built-in statuses, and the run says which it used. Also: fault
 * descriptions tell apart calls that read the same (#1, #2).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogueForRun } from '../orchestrator/cli/derived-catalogue.js';
import { callsInWords } from '../orchestrator/results/fault-entries.js';
import type { Call } from '../orchestrator/search/model.js';
import { ROOT, tempDir, writeJson } from './helpers.js';

const GATEWAY = join(ROOT, 'corpus/gateway/services.json');
const call = { module: 'node.fetch', method: 'GET', metadata: {}, args: ['catalog/products/:id'] };
const statuses = (c: ReturnType<typeof catalogueForRun>, target: string) => c.errorFaults(call, target).map((f) => String(f.return_value?.status_code));

test('a plain run: the statuses its callee can answer, and it says so; other services keep the built-in ones', () => {
  const said: string[] = [];
  const derived = catalogueForRun({ servicesConfig: GATEWAY }, (l) => said.push(l));
  assert.match(said.join('\n'), /fault catalogue: derived from the source of catalog, orders, inventory, gateway/);
  assert.ok(statuses(derived, 'catalog').includes('404'), statuses(derived, 'catalog').join());
  assert.ok(!statuses(derived, 'catalog').includes('503'));
  // A callee the analysis does not name (an outside service, a Python one): the built-in statuses.
  assert.deepEqual(statuses(derived, 'payments'), ['500', '502', '503']);
});

test('--no-analysis, the Python profile and unreadable services: the built-in catalogue, said when it was not asked for', () => {
  for (const choice of [{ analysis: false }, { profile: 'python' as const }]) {
    const said: string[] = [];
    assert.deepEqual(statuses(catalogueForRun({ servicesConfig: GATEWAY, ...choice }, (l) => said.push(l)), 'catalog'), ['500', '502', '503']);
    assert.deepEqual(said, []);
  }
  const dir = tempDir();
  const config = writeJson(dir, 'services.json', { services: { remote: { url: 'http://127.0.0.1:9' } } });
  const said: string[] = [];
  assert.deepEqual(statuses(catalogueForRun({ servicesConfig: config }, (l) => said.push(l)), 'remote'), ['500', '502', '503']);
  assert.match(said.join('\n'), /fault catalogue: the built-in one/);
});

test('calls that read the same are numbered in the order they started; a call with no twin is not', () => {
  const c = (position: number, path: string, ei: string) => ({ position, ei, source: 'gateway', target: 'orders', method: 'GET', args: [`orders${path}`] }) as unknown as Call;
  const words = callsInWords([c(1, '/orders/:id', 'b'), c(0, '/orders/:id', 'a'), c(2, '/stock', 'c')]);
  assert.equal(words.get('a'), 'gateway → orders (GET /orders/:id #1)');
  assert.equal(words.get('b'), 'gateway → orders (GET /orders/:id #2)');
  assert.equal(words.get('c'), 'gateway → orders (GET /stock)');
});
