/**
 * orders: POST /orders { key, amount }.
 *   1. Charge through an opossum circuit breaker around axios POST payments /charge (1 s timeout).
 *      The breaker opens at the first failure (volumeThreshold 1, errorThresholdPercentage 50), has no
 *      timeout of its own (timeout: false) and a 60 s resetTimeout, so within one execution it never
 *      half-opens. Any failure (connection error, timeout, 5xx), or an open breaker, runs the fallback:
 *      the charge is DEFERRED (queued for a later collection job) and the order goes on.
 *   2. Create the shipment: axios POST shipping /shipments (1 s timeout). Failure: 503 (the frontend
 *      retries the whole order).
 *   3. 201 { key, payment: 'charged' }, or 202 { key, payment: 'deferred' }.
 * GET /deferred/:key → { count } of queued charges. POST /__reset: a new breaker, an empty queue.
 *
 * The planted bug: the deferred queue is a list, not keyed by the idempotency key, and a later successful
 * charge does not clear it. The payment failing (breaker opens, charge deferred) AND the shipment failing
 * (503, retry) make the retry defer the same charge again (the breaker is open): two charges. The
 * shipment failing after a successful charge AND the retry's payment call failing defer a charge that
 * was already made: two charges again. RESILIENT_FIXED=1 keys the queue by idempotency key, drops the
 * entry once a charge succeeds, and does not defer a charge already made.
 */
import axios from 'axios';
import express from 'express';
import CircuitBreaker from 'opossum';
import { listen } from './listen.js';

const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'http://127.0.0.1:6022';
const SHIPPING_URL = process.env.SHIPPING_URL ?? 'http://127.0.0.1:6023';
const FIXED = process.env.RESILIENT_FIXED === '1';

let deferredList: string[] = [];
const deferredByKey = new Map<string, number>();
const chargedKeys = new Set<string>();

async function charge(key: string, amount: number): Promise<'charged'> {
  await axios.post(`${PAYMENTS_URL}/charge`, { key, amount }, { timeout: 1_000 });
  if (FIXED) {
    deferredByKey.delete(key);
    chargedKeys.add(key);
  }
  return 'charged';
}

function makeBreaker(): CircuitBreaker<[string, number], 'charged' | 'deferred'> {
  const breaker = new CircuitBreaker<[string, number], 'charged' | 'deferred'>(charge, {
    timeout: false,
    volumeThreshold: 1,
    errorThresholdPercentage: 50,
    resetTimeout: 60_000,
  });
  breaker.fallback((key: string, amount: number) => {
    if (FIXED && chargedKeys.has(key)) return 'charged' as const; // charged by an earlier attempt
    if (FIXED) deferredByKey.set(key, amount);
    else deferredList.push(key); // the bug: deferred again on every retry
    return 'deferred' as const;
  });
  return breaker;
}

let breaker = makeBreaker();

const app = express();
app.use(express.json());
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.post('/orders', async (req, res) => {
  const { key, amount } = req.body as { key: string; amount: number };
  const payment = await breaker.fire(key, amount);
  try {
    await axios.post(`${SHIPPING_URL}/shipments`, { key }, { timeout: 1_000 });
  } catch {
    res.status(503).json({ key, error: 'shipping unavailable' });
    return;
  }
  res.status(payment === 'charged' ? 201 : 202).json({ key, payment });
});

app.get('/deferred/:key', (req, res) => {
  const key = req.params.key;
  res.json({ count: FIXED ? (deferredByKey.has(key) ? 1 : 0) : deferredList.filter((k) => k === key).length });
});

app.post('/__reset', (_req, res) => {
  breaker.shutdown();
  breaker = makeBreaker();
  deferredList = [];
  deferredByKey.clear();
  chargedKeys.clear();
  res.json({ reset: true });
});

listen(app, 6021);
