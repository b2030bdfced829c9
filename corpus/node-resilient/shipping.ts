/** shipping: POST /shipments { key } → 201 { shipment }. Stateless. */
import express from 'express';
import { listen } from './listen.js';

const app = express();
app.use(express.json());
app.get('/health-check', (_req, res) => {
  res.json({ status: 'OK' });
});
app.post('/shipments', (req, res) => {
  res.status(201).json({ shipment: `ship-${(req.body as { key: string }).key}` });
});
listen(app, 6023);
