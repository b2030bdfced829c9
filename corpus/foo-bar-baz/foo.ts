/**
 * foo: the entry service of the tutorial. GET /foo calls bar with a 10 s timeout.
 * It maps a timeout or a non-200 answer from bar to 503, but does not handle a connection error:
 * the bug, which surfaces as express's default 500. TUTORIAL_FIXED=1 handles it too.
 */
import express from 'express';
import { listen } from './listen.js';

const BAR_URL = process.env.BAR_URL ?? 'http://127.0.0.1:5001';
const FIXED = process.env.TUTORIAL_FIXED === '1';

const app = express();

app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.get('/foo', async (_req, res) => {
  let response: Response;
  try {
    response = await fetch(`${BAR_URL}/bar`, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') {
      res.status(503).send('bar timed out');
      return;
    }
    if (FIXED) {
      res.status(503).send('bar is unreachable');
      return;
    }
    throw err; // the bug: a connection error escapes as a 500
  }
  if (response.status !== 200) {
    res.status(503).send('bar is unavailable');
    return;
  }
  res.json({ foo: 'ok', bar: await response.json() });
});

listen(app, 5000);
