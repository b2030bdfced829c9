/** baz: the leaf. GET /baz answers 200. */
import express from 'express';
import { listen } from './listen.js';

const app = express();

app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.get('/baz', (_req, res) => {
  res.json({ baz: 'ok' });
});

listen(app, 5002);
