/**
 * orders: the order store (express, in memory).
 *   POST /orders { id, productId, quantity } → 201 { id, productId, quantity, status: 'placed' },
 *     400 on a malformed body, 409 when an order with that id already exists
 *   GET /orders/:id → 200 the order, or 404
 */
import express from 'express';

interface Order {
  id: string;
  productId: string;
  quantity: number;
  status: 'placed';
}

const orders = new Map<string, Order>();
const app = express();
app.use(express.json());

app.post('/orders', (req, res) => {
  const { id, productId, quantity } = (req.body ?? {}) as Partial<Order>;
  if (typeof id !== 'string' || typeof productId !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
    res.status(400).json({ error: 'id, productId and a positive integer quantity are required' });
    return;
  }
  if (orders.has(id)) {
    res.status(409).json({ error: `order ${id} already exists` });
    return;
  }
  const order: Order = { id, productId, quantity: quantity as number, status: 'placed' };
  orders.set(id, order);
  res.status(201).json(order);
});

app.get('/orders/:id', (req, res) => {
  const order = orders.get(req.params.id);
  if (!order) {
    res.status(404).json({ error: `no order ${req.params.id}` });
    return;
  }
  res.json(order);
});

const port = Number(process.env.PORT ?? 4102);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`orders listening on http://${host}:${port}`);
});
