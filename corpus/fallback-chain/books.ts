/**
 * books (B): book details (express + node-fetch 2).
 *   GET /books/:isbn → 200 { isbn, title, author, year, rating }, 404 for an unknown ISBN.
 *   rating comes from ratings GET /ratings/:isbn (node-fetch, 800 ms timeout): { average, count }.
 *   The ratings are nice to have: when ratings is unavailable the book is still served, with rating null.
 */
import express from 'express';
import fetch from 'node-fetch-v2';

interface Rating {
  average: number | null;
  count: number;
}

const RATINGS_URL = process.env.RATINGS_URL;
if (!RATINGS_URL) throw new Error('RATINGS_URL must be set');

const books = new Map<string, { title: string; author: string; year: number }>([
  ['9780261103573', { title: 'The Fellowship of the Ring', author: 'J. R. R. Tolkien', year: 1954 }],
  ['9780441172719', { title: 'Dune', author: 'Frank Herbert', year: 1965 }],
  ['9780553283686', { title: 'Hyperion', author: 'Dan Simmons', year: 1989 }],
]);

async function fetchRating(isbn: string): Promise<Rating> {
  const response = await fetch(`${RATINGS_URL}/ratings/${encodeURIComponent(isbn)}`, { timeout: 800 });
  if (!response.ok) throw new Error(`ratings answered ${response.status}`);
  const body = (await response.json()) as { average: number | null; count: number };
  return { average: body.average, count: body.count };
}

const app = express();

app.get('/books/:isbn', async (req, res) => {
  const book = books.get(req.params.isbn);
  if (!book) {
    res.status(404).json({ error: `no book with ISBN ${req.params.isbn}` });
    return;
  }
  let rating: Rating | undefined;
  try {
    rating = await fetchRating(req.params.isbn);
  } catch (err) {
    console.warn(`ratings unavailable for ${req.params.isbn}: ${(err as Error).message}`);
  }
  res.json({ isbn: req.params.isbn, ...book, rating });
});

const port = Number(process.env.PORT ?? 4302);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`books listening on http://${host}:${port}`);
});
