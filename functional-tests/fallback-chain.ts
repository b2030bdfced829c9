/**
 * fallback-chain's functional test: the book page's API, GET /api/books/:isbn on web.
 *
 * Without faults: 200 and the exact book with its rating. Under faults: either the book (every field
 * there, the rating either the real one or null when ratings is unavailable) or a proper error status
 * from web (502, 503 or 504 with an error message, or books' 404 passed on). A 200 must never lose a field.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { wasFaultInjected } from '../instrumentation/testing.js';

interface Context {
  services: Record<string, { url: string }>;
}

const ISBN = '9780261103573';
const BOOK = {
  isbn: ISBN,
  title: 'The Fellowship of the Ring',
  author: 'J. R. R. Tolkien',
  year: 1954,
  rating: { average: 4.4, count: 1812 },
  link: `/books/${ISBN}`,
};

export default async function fallbackChain(ctx: Context): Promise<void> {
  const response = await fetch(`${ctx.services.web.url}/api/books/${ISBN}`);
  const body = (await response.json()) as Record<string, unknown>;
  const faulted = await wasFaultInjected();

  if (response.status === 200) {
    for (const field of Object.keys(BOOK)) {
      assert.ok(field in body, `a 200 without "${field}": ${JSON.stringify(body)}`);
    }
    if (!faulted) {
      assert.deepEqual(body, BOOK);
      return;
    }
    const { rating, ...rest } = body;
    const { rating: expectedRating, ...expectedRest } = BOOK;
    assert.deepEqual(rest, expectedRest);
    assert.ok(rating === null || isDeepStrictEqual(rating, expectedRating), `unexpected rating ${JSON.stringify(rating)}`);
    return;
  }

  assert.ok(faulted, `expected 200 without faults, got ${response.status} ${JSON.stringify(body)}`);
  // 404: books said it does not know the book, and web passes that on.
  assert.ok([404, 502, 503, 504].includes(response.status), `expected 200, 404, 502, 503 or 504 under faults, got ${response.status}`);
  assert.equal(typeof body.error, 'string', `an error answer without a message: ${JSON.stringify(body)}`);
}
