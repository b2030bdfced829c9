/**
 * frontend: POST /checkout { key, amount } places the order: axios POST orders /orders (2 s timeout),
 * up to 2 attempts; an attempt fails on a connection error, a timeout or a 5xx answer. A 2xx answer is
 * passed through (201 or 202); two failed attempts answer 503.
 */
import axios from 'axios';
import express from 'express';
import { listen } from './listen.js';

const ORDERS_URL = process.env.ORDERS_URL ?? 'http://127.0.0.1:6021';
const ATTEMPTS = 2;

const app = express();
app.use(express.json());
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

app.post('/checkout', async (req, res) => {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const response = await axios.post(`${ORDERS_URL}/orders`, req.body, { timeout: 2_000 });
      res.status(response.status).json(response.data);
      return;
    } catch {
      // connection error, timeout or 5xx: try again while attempts remain
    }
  }
  res.status(503).json({ error: 'orders unavailable' });
});

listen(app, 6020);
