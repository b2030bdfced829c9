/**
 * otel-traced's functional test: GET /checkout always answers 200 (front degrades a failed dependency
 * to null); with no fault injected, both the balance and the history are there.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

export default async function otelTraced(ctx: Context): Promise<void> {
  const response = await fetch(`${ctx.services.front.url}/checkout`);
  assert.equal(response.status, 200, `expected 200, got ${response.status}`);
  const body = (await response.json()) as { balance: unknown; history: unknown };
  if (!(await wasFaultInjected())) assert.deepEqual(body, { balance: { balance: 42 }, history: { history: [40, 42] } });
}
