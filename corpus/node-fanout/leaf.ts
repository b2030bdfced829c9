/**
 * The three leaves of node-fanout, one process each (ROLE = catalog | pricing | inventory):
 *   catalog   GET /catalog/:id → { id, name, listPrice }
 *   pricing   GET /prices/:id  → { id, price }
 *   inventory GET /stock/:id   → { id, inStock }
 */
import express from 'express';
import { listen } from './listen.js';

const app = express();
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});

switch (process.env.ROLE) {
  case 'catalog':
    app.get('/catalog/:id', (req, res) => {
      res.json({ id: Number(req.params.id), name: 'Desk lamp', listPrice: 24.99 });
    });
    break;
  case 'pricing':
    app.get('/prices/:id', (req, res) => {
      res.json({ id: Number(req.params.id), price: 19.99 });
    });
    break;
  case 'inventory':
    app.get('/stock/:id', (req, res) => {
      res.json({ id: Number(req.params.id), inStock: 7 });
    });
    break;
  default:
    throw new Error(`ROLE must be catalog, pricing or inventory, not ${process.env.ROLE}`);
}

listen(app, 6010);
