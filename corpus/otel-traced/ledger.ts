/** ledger: the leaf. GET /balance and GET /history answer JSON. */
import express from 'express';
import { listen } from './listen.js';

const app = express();
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});
app.get('/balance', (_req, res) => {
  res.json({ balance: 42 });
});
app.get('/history', (_req, res) => {
  res.json({ history: [40, 42] });
});
listen(app, 5011);
