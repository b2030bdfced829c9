/** bar: GET /bar calls baz with a 10 s timeout and maps any failure of baz to 503. */
import express from 'express';
import { listen } from './listen.js';

const BAZ_URL = process.env.BAZ_URL ?? 'http://127.0.0.1:5002';

const app = express();

app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.get('/bar', async (_req, res) => {
  try {
    const response = await fetch(`${BAZ_URL}/baz`, { signal: AbortSignal.timeout(10_000) });
    if (response.status !== 200) {
      res.status(503).send('baz is unavailable');
      return;
    }
    res.json({ bar: 'ok', baz: await response.json() });
  } catch {
    res.status(503).send('baz is unreachable');
  }
});

listen(app, 5001);
