/**
 * shop: the product page API (express). Calls pricing and reviews with the global fetch, each through
 * its own opossum circuit breaker (500 ms timeout); any failure, a timeout or an open circuit gives a
 * fallback section marked { source: 'fallback', reason }, and the page is still served.
 *   GET /products/:sku → 200 { sku, name, price, reviews }, 404 for an unknown product
 */
import CircuitBreaker from 'opossum';
import express from 'express';

const PRICING_URL = process.env.PRICING_URL;
const REVIEWS_URL = process.env.REVIEWS_URL;
if (!PRICING_URL || !REVIEWS_URL) throw new Error('PRICING_URL and REVIEWS_URL must be set');

/** Our own catalogue, with the list price used when pricing cannot be asked. */
const products = new Map<string, { name: string; listPrice: number }>([
  ['kb-201', { name: 'Mechanical keyboard', listPrice: 9900 }],
  ['ms-330', { name: 'Wireless mouse', listPrice: 3900 }],
]);

interface Price {
  amount: number;
  currency: string;
  provider: string | null;
  source: 'live' | 'fallback';
  reason?: string;
}

interface Reviews {
  average: number | null;
  count: number;
  summary: string | null;
  source: 'live' | 'fallback';
  reason?: string;
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const body: unknown = JSON.parse(await response.text());
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`${url} sent an unexpected body`);
  return body as Record<string, unknown>;
}

async function livePrice(sku: string): Promise<Price> {
  const body = await getJson(`${PRICING_URL}/prices/${encodeURIComponent(sku)}`);
  if (typeof body.amount !== 'number' || typeof body.currency !== 'string') throw new Error('pricing sent a malformed price');
  return { amount: body.amount, currency: body.currency, provider: String(body.provider ?? ''), source: 'live' };
}

async function liveReviews(sku: string): Promise<Reviews> {
  const body = await getJson(`${REVIEWS_URL}/reviews/${encodeURIComponent(sku)}`);
  if (typeof body.count !== 'number') throw new Error('reviews sent a malformed summary');
  return {
    average: typeof body.average === 'number' ? body.average : null,
    count: body.count,
    summary: String(body.summary ?? ''),
    source: 'live',
  };
}

function reasonOf(err: unknown): string {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === 'EOPENBREAKER') return 'circuit-open';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

const breakerOptions = { timeout: 500, errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeout: 1000 };

const pricing = new CircuitBreaker(livePrice, { ...breakerOptions, name: 'pricing' });
pricing.fallback((sku: string, err: unknown): Price => ({
  amount: products.get(sku)?.listPrice ?? 0,
  currency: 'EUR',
  provider: null,
  source: 'fallback',
  reason: reasonOf(err),
}));

const reviews = new CircuitBreaker(liveReviews, { ...breakerOptions, name: 'reviews' });
reviews.fallback((_sku: string, err: unknown): Reviews => ({
  average: null,
  count: 0,
  summary: null,
  source: 'fallback',
  reason: reasonOf(err),
}));

for (const breaker of [pricing, reviews]) {
  breaker.on('open', () => console.warn(`circuit ${breaker.name} open`));
  breaker.on('close', () => console.warn(`circuit ${breaker.name} closed`));
}

const app = express();

app.get('/products/:sku', async (req, res) => {
  const sku = req.params.sku;
  const product = products.get(sku);
  if (!product) {
    res.status(404).json({ error: `no product ${sku}` });
    return;
  }
  const [price, review] = await Promise.all([pricing.fire(sku), reviews.fire(sku)]);
  res.json({ sku, name: product.name, price, reviews: review });
});

const port = Number(process.env.PORT ?? 4401);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`shop listening on http://${host}:${port}`);
});
