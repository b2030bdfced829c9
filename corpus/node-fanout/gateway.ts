/**
 * gateway: GET /products/:id asks the aggregator (fetch, 5 s AbortSignal.timeout); a 200 is passed
 * through, anything else (non-200, connection error, timeout) is a 503.
 */
import express from 'express';
import { listen } from './listen.js';

const AGGREGATOR_URL = process.env.AGGREGATOR_URL ?? 'http://127.0.0.1:6014';

const app = express();
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.get('/products/:id', async (req, res) => {
  try {
    const response = await fetch(`${AGGREGATOR_URL}/products/${Number(req.params.id)}`, { signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) {
      res.status(503).send('product service unavailable');
      return;
    }
    res.json(await response.json());
  } catch {
    res.status(503).send('product service unreachable');
  }
});

listen(app, 6015);
