/**
 * breaker's functional test: the product page, GET /products/kb-201 on shop.
 *
 * The page must always be served (200). Each section (price, reviews) is either the live data, exactly,
 * or the documented fallback: the list price / empty reviews, marked { source: 'fallback', reason }.
 * Without faults the sections are live, except that a circuit left open by earlier failures may still
 * answer with the fallback (reason 'circuit-open') until it closes again.
 */
import assert from 'node:assert/strict';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

const LIVE_PRICE = { amount: 8900, currency: 'EUR', provider: 'spring-pricelist', source: 'live' };
const LIVE_REVIEWS = { average: 4.6, count: 128, summary: 'Quiet keys, solid build.', source: 'live' };
const FALLBACK_PRICE = { amount: 9900, currency: 'EUR', provider: null, source: 'fallback' };
const FALLBACK_REVIEWS = { average: null, count: 0, summary: null, source: 'fallback' };

function checkSection(name: string, section: Record<string, unknown>, live: object, fallback: object, faulted: boolean): void {
  if (section.source === 'live') {
    assert.deepEqual(section, live, `${name}: live data differs`);
    return;
  }
  const { reason, ...rest } = section;
  assert.deepEqual(rest, fallback, `${name}: neither the live data nor the fallback: ${JSON.stringify(section)}`);
  if (faulted) {
    assert.ok(['timeout', 'error', 'circuit-open'].includes(reason as string), `${name}: fallback reason ${JSON.stringify(reason)}`);
  } else {
    assert.equal(reason, 'circuit-open', `${name}: a fallback without any fault (${JSON.stringify(reason)})`);
  }
}

export default async function breaker(ctx: Context): Promise<void> {
  const response = await fetch(`${ctx.services.shop.url}/products/kb-201`);
  const text = await response.text();
  assert.equal(response.status, 200, `the product page must always be served, got ${response.status} ${text}`);
  const page = JSON.parse(text) as { sku: string; name: string; price: Record<string, unknown>; reviews: Record<string, unknown> };
  const faulted = await wasFaultInjected();

  assert.equal(page.sku, 'kb-201');
  assert.equal(page.name, 'Mechanical keyboard');
  assert.deepEqual(Object.keys(page).sort(), ['name', 'price', 'reviews', 'sku']);
  checkSection('price', page.price, LIVE_PRICE, FALLBACK_PRICE, faulted);
  checkSection('reviews', page.reviews, LIVE_REVIEWS, FALLBACK_REVIEWS, faulted);
}
