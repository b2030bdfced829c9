/**
 * payments: POST /charge { key, amount } charges once per idempotency key (a second charge with the
 * same key answers the first). GET /charges/:key → { count } (0 or 1). POST /__reset forgets everything.
 */
import express from 'express';
import { listen } from './listen.js';

const charges = new Map<string, number>();
const app = express();
app.use(express.json());
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});
app.post('/charge', (req, res) => {
  const { key, amount } = req.body as { key: string; amount: number };
  const duplicate = charges.has(key);
  if (!duplicate) charges.set(key, amount);
  res.json({ key, amount: charges.get(key), duplicate });
});
app.get('/charges/:key', (req, res) => {
  res.json({ count: charges.has(req.params.key) ? 1 : 0 });
});
app.post('/__reset', (_req, res) => {
  charges.clear();
  res.json({ reset: true });
});
listen(app, 6022);
