/**
 * node-fanout's functional test: GET /products/42 on the gateway.
 * Without faults: 200 and the full product. Under faults: 503, or a 200 whose every field is either the
 * real value or its documented fallback (unknown name, estimated list price 24.99, inStock null); the
 * price must always be a number.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

export default async function nodeFanout(ctx: Context): Promise<void> {
  const response = await fetch(`${ctx.services.gateway.url}/products/42`);
  if (!(await wasFaultInjected())) {
    assert.equal(response.status, 200, `expected 200 without faults, got ${response.status}`);
    assert.deepEqual(await response.json(), { id: 42, name: 'Desk lamp', price: 19.99, priceEstimated: false, inStock: 7 });
    return;
  }
  assert.ok(response.status === 200 || response.status === 503, `expected 200 or 503 under faults, got ${response.status}`);
  if (response.status === 503) return;
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(body.id, 42);
  assert.ok(body.name === 'Desk lamp' || body.name === 'unknown product', `unexpected name ${JSON.stringify(body.name)}`);
  assert.equal(typeof body.price, 'number', `the price must be a number, got ${JSON.stringify(body.price)}`);
  assert.equal(body.price, body.priceEstimated ? 24.99 : 19.99, 'wrong price');
  assert.ok(body.inStock === 7 || body.inStock === null, `unexpected inStock ${JSON.stringify(body.inStock)}`);
}
