/**
 * gateway's functional test: health, a product page, and placing an order with a fresh id through the
 * NestJS gateway, with the bearer token every route requires.
 *
 * Without faults: exact answers. Under faults: every answer is either the exact success answer or a
 * gateway error (502 or 503, Nest's { statusCode, message, error } body); and an order that could not be
 * placed must leave nothing behind (GET /orders/:id is 404). A backend's client error (a 4xx it answered:
 * unknown product, order id already used) is the client's to see: the gateway must pass it on as a 4xx,
 * not turn it into a 502.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { executionCalls, wasFaultInjected, type ObservedCall } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

/** The token in corpus/gateway/services.json (API_TOKEN). */
const TOKEN = 'local-dev-token';

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion messages
  }
  return { status: response.status, body };
}

/** The calls made since the last look (the test's steps run one after another): what served the last step. */
async function callsSince(seen: Set<number>): Promise<ObservedCall[]> {
  const fresh = (await executionCalls()).filter((c) => !seen.has(c.id));
  for (const c of fresh) seen.add(c.id);
  return fresh;
}

function assertGatewayError(answer: { status: number; body: unknown }, what: string, served: readonly ObservedCall[]): void {
  const clientError = served.find((c) => c.status !== undefined && c.status >= 400 && c.status < 500);
  if (clientError) {
    assert.ok(
      answer.status >= 400 && answer.status < 500,
      `${what}: ${clientError.target} answered ${clientError.status} to ${clientError.method} ${clientError.url.slice(clientError.url.indexOf('/'))}, a client error, and the gateway turned it into ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    return;
  }
  assert.ok(answer.status === 502 || answer.status === 503, `${what}: expected the product or 502/503, got ${answer.status} ${JSON.stringify(answer.body)}`);
  const body = answer.body as { statusCode?: unknown; message?: unknown };
  assert.equal(body.statusCode, answer.status, `${what}: error body ${JSON.stringify(answer.body)}`);
  assert.equal(typeof body.message, 'string', `${what}: error body ${JSON.stringify(answer.body)}`);
}

export default async function gateway(ctx: Context): Promise<void> {
  const base = ctx.services.gateway.url;
  const faulted = await wasFaultInjected();
  const seen = new Set<number>();
  const served = async () => (faulted ? callsSince(seen) : []);

  const health = await call(`${base}/health`);
  assert.equal(health.status, 200, `health: ${health.status} ${JSON.stringify(health.body)}`);
  assert.deepEqual(health.body, { status: 'ok' });

  const product = await call(`${base}/products/p-100`);
  const productCalls = await served();
  const expectedProduct = { id: 'p-100', name: 'Espresso machine', price: 249, inStock: true };
  if (!faulted || product.status === 200) {
    assert.equal(product.status, 200, `product: ${product.status} ${JSON.stringify(product.body)}`);
    assert.deepEqual(product.body, expectedProduct);
  } else {
    assertGatewayError(product, 'product', productCalls);
  }

  const orderId = randomUUID();
  const created = await call(`${base}/orders`, {
    method: 'POST',
    body: JSON.stringify({ orderId, productId: 'p-100', quantity: 2 }),
  });
  const orderCalls = await served();
  if (!faulted || created.status === 201) {
    assert.equal(created.status, 201, `order: ${created.status} ${JSON.stringify(created.body)}`);
    assert.deepEqual(created.body, { orderId, productId: 'p-100', quantity: 2, status: 'placed', reserved: 2 });
  } else {
    assertGatewayError(created, 'order', orderCalls);
  }

  const details = await call(`${base}/orders/${orderId}`);
  const detailCalls = await served();
  const expectedOrder = { id: orderId, productId: 'p-100', quantity: 2, status: 'placed' };
  const expectedReservation = { orderId, productId: 'p-100', quantity: 2 };
  if (created.status === 201) {
    if (!faulted) {
      assert.equal(details.status, 200, `order details: ${details.status} ${JSON.stringify(details.body)}`);
      assert.deepEqual(details.body, { orderId, order: expectedOrder, reservation: expectedReservation });
      return;
    }
    // Under faults the lookup itself may fail, or a backend may (wrongly) say it does not know the order.
    if (details.status === 404) return;
    if (details.status !== 200) {
      assertGatewayError(details, 'order details', detailCalls);
      return;
    }
    const { order, reservation } = details.body as { order: unknown; reservation: unknown };
    assert.equal((details.body as { orderId: unknown }).orderId, orderId);
    assert.ok(order === null || isDeepStrictEqual(order, expectedOrder), `order details: order ${JSON.stringify(order)}`);
    assert.ok(
      reservation === null || isDeepStrictEqual(reservation, expectedReservation),
      `order details: reservation ${JSON.stringify(reservation)}`,
    );
    return;
  }
  // The order was refused: neither the order nor a stock reservation may be left behind.
  if (details.status === 502 || details.status === 503) return assertGatewayError(details, 'order details', detailCalls); // could not look
  assert.equal(
    details.status,
    404,
    `order ${orderId} failed with ${created.status} but left a partial write behind: ${JSON.stringify(details.body)}`,
  );
}
