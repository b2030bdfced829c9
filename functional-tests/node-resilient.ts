/**
 * node-resilient's functional test: POST /checkout { key: 'order-1', amount: 30 } on the frontend, then
 * the customer's obligations for that key: charges made by payments plus charges deferred by orders.
 * Without faults: 201 { key, payment: 'charged' }, exactly one charge, nothing deferred.
 * Under faults: 201 or 202 with exactly one obligation, or 503 with at most one (never charged twice).
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

const KEY = 'order-1';

async function count(url: string): Promise<number> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `${url} answered ${response.status}`);
  return ((await response.json()) as { count: number }).count;
}

export default async function nodeResilient(ctx: Context): Promise<void> {
  const response = await fetch(`${ctx.services.frontend.url}/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: KEY, amount: 30 }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  const charged = await count(`${ctx.services.payments.url}/charges/${KEY}`);
  const deferred = await count(`${ctx.services.orders.url}/deferred/${KEY}`);
  if (!(await wasFaultInjected())) {
    assert.equal(response.status, 201, `expected 201 without faults, got ${response.status}`);
    assert.deepEqual(body, { key: KEY, payment: 'charged' });
    assert.deepEqual({ charged, deferred }, { charged: 1, deferred: 0 });
    return;
  }
  assert.ok([201, 202, 503].includes(response.status), `expected 201, 202 or 503 under faults, got ${response.status}`);
  if (response.status === 503) {
    assert.ok(charged + deferred <= 1, `checkout failed but the customer owes ${charged} charge(s) + ${deferred} deferred`);
    return;
  }
  assert.deepEqual(body, { key: KEY, payment: response.status === 201 ? 'charged' : 'deferred' });
  assert.equal(charged + deferred, 1, `expected exactly one charge, got ${charged} charged + ${deferred} deferred`);
}
