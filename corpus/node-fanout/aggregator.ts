/**
 * aggregator: GET /products/:id fans out to catalog, pricing and inventory at once (fetch, 2 s
 * AbortSignal.timeout each) and waits with Promise.allSettled. Per dependency, a failure (connection
 * error, timeout or non-200 answer) falls back:
 *   - catalog   → a stub { id, name: 'unknown product' } (no listPrice);
 *   - pricing   → the catalog's listPrice, marked priceEstimated;
 *   - inventory → inStock: null.
 * All three failed: 503.
 *
 * The planted bug: the pricing fallback reads catalog.listPrice, which the catalog fallback leaves
 * undefined. With catalog AND pricing failed (inventory up) the answer is 200 with price NaN, which JSON
 * sends as null. FANOUT_FIXED=1 answers 503 instead when there is no price at all.
 */
import express from 'express';
import { listen } from './listen.js';

const CATALOG_URL = process.env.CATALOG_URL ?? 'http://127.0.0.1:6011';
const PRICING_URL = process.env.PRICING_URL ?? 'http://127.0.0.1:6012';
const INVENTORY_URL = process.env.INVENTORY_URL ?? 'http://127.0.0.1:6013';
const FIXED = process.env.FANOUT_FIXED === '1';

interface CatalogEntry {
  id: number;
  name: string;
  listPrice?: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

const app = express();
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.get('/products/:id', async (req, res) => {
  const id = Number(req.params.id);
  // Started in this order, all three before any answers.
  const [catalog, pricing, inventory] = await Promise.allSettled([
    getJson<CatalogEntry>(`${CATALOG_URL}/catalog/${id}`),
    getJson<{ price: number }>(`${PRICING_URL}/prices/${id}`),
    getJson<{ inStock: number }>(`${INVENTORY_URL}/stock/${id}`),
  ]);
  if (catalog.status === 'rejected' && pricing.status === 'rejected' && inventory.status === 'rejected') {
    res.status(503).send('no product data available');
    return;
  }
  const entry: CatalogEntry = catalog.status === 'fulfilled' ? catalog.value : { id, name: 'unknown product' };
  let price: number;
  let priceEstimated = false;
  if (pricing.status === 'fulfilled') {
    price = pricing.value.price;
  } else {
    if (FIXED && entry.listPrice === undefined) {
      res.status(503).send('no price available');
      return;
    }
    price = Math.round((entry.listPrice as number) * 100) / 100; // the bug: NaN when the catalog fell back too
    priceEstimated = true;
  }
  res.json({
    id,
    name: entry.name,
    price,
    priceEstimated,
    inStock: inventory.status === 'fulfilled' ? inventory.value.inStock : null,
  });
});

listen(app, 6014);
