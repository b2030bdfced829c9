/**
 * front: the entry service. GET /checkout asks ledger for the balance with fetch (a 2 s timeout, so a
 * timeout fault applies) and for the history with http.get (no timeout), and degrades gracefully: a
 * failed dependency becomes `null` in a 200 answer. One call per client, so the exploration is small.
 */
import express from 'express';
import http from 'node:http';
import { listen } from './listen.js';

const LEDGER_URL = process.env.LEDGER_URL ?? 'http://127.0.0.1:5011';

function balance(): Promise<unknown> {
  return fetch(`${LEDGER_URL}/balance`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => (r.ok ? r.json() : null),
    () => null,
  );
}

function history(): Promise<unknown> {
  return new Promise((resolve) => {
    http
      .get(`${LEDGER_URL}/history`, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(res.statusCode === 200 ? JSON.parse(text) : null));
        res.on('error', () => resolve(null));
      })
      .on('error', () => resolve(null));
  });
}

const app = express();
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});
app.get('/checkout', async (_req, res) => {
  const b = await balance();
  const h = await history();
  res.json({ balance: b, history: h });
});
listen(app, 5010);
