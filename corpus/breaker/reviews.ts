/**
 * reviews: review summaries (express).
 *   GET /reviews/:sku → 200 { sku, average, count, summary }; a product without reviews has count 0
 */
import express from 'express';

const reviews = new Map<string, { average: number; count: number; summary: string }>([
  ['kb-201', { average: 4.6, count: 128, summary: 'Quiet keys, solid build.' }],
  ['ms-330', { average: 4.1, count: 57, summary: 'Comfortable, battery lasts for weeks.' }],
]);

const app = express();

app.get('/reviews/:sku', (req, res) => {
  const found = reviews.get(req.params.sku) ?? { average: null, count: 0, summary: '' };
  res.json({ sku: req.params.sku, ...found });
});

const port = Number(process.env.PORT ?? 4403);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`reviews listening on http://${host}:${port}`);
});
