/**
 * web (A): the storefront's API for the book page (express + node-fetch 2).
 *   GET /api/books/:isbn → books GET /books/:isbn (node-fetch, 2 s timeout), passed on with the page link:
 *     200 { ...book, link }, 404 passed on, 503 when books cannot be reached, 504 when it is too slow,
 *     502 for any other failure.
 */
import express from 'express';
import fetch, { FetchError } from 'node-fetch-v2';

const BOOKS_URL = process.env.BOOKS_URL;
if (!BOOKS_URL) throw new Error('BOOKS_URL must be set');

const app = express();

app.get('/api/books/:isbn', async (req, res) => {
  const isbn = req.params.isbn;
  let response;
  try {
    response = await fetch(`${BOOKS_URL}/books/${encodeURIComponent(isbn)}`, { timeout: 2000 });
  } catch (err) {
    if (err instanceof FetchError && err.type === 'request-timeout') {
      res.status(504).json({ error: 'the catalogue is too slow, try again later' });
      return;
    }
    res.status(503).json({ error: 'the catalogue is unavailable, try again later' });
    return;
  }
  if (response.status === 404) {
    res.status(404).json({ error: `no book with ISBN ${isbn}` });
    return;
  }
  if (!response.ok) {
    res.status(502).json({ error: `the catalogue answered ${response.status}` });
    return;
  }
  let book: Record<string, unknown>;
  try {
    book = (await response.json()) as Record<string, unknown>;
  } catch (err) {
    const status = err instanceof FetchError && err.type === 'body-timeout' ? 504 : 502;
    res.status(status).json({ error: 'the catalogue sent an unreadable answer' });
    return;
  }
  res.json({ ...book, link: `/books/${isbn}` });
});

const port = Number(process.env.PORT ?? 4301);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`web listening on http://${host}:${port}`);
});
