/**
 * ratings (C): reader ratings per ISBN (express).
 *   GET /ratings/:isbn → 200 { isbn, average, count }; a book nobody rated yet is { average: null, count: 0 }
 */
import express from 'express';

const ratings = new Map<string, { average: number; count: number }>([
  ['9780261103573', { average: 4.4, count: 1812 }],
  ['9780441172719', { average: 4.3, count: 2410 }],
  ['9780553283686', { average: 4.2, count: 977 }],
]);

const app = express();

app.get('/ratings/:isbn', (req, res) => {
  const rating = ratings.get(req.params.isbn) ?? { average: null, count: 0 };
  res.json({ isbn: req.params.isbn, ...rating });
});

const port = Number(process.env.PORT ?? 4303);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`ratings listening on http://${host}:${port}`);
});
