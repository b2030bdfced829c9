/**
 * catalog: the product catalogue (express).
 *   GET /products/:id → 200 { id, name, price } or 404 { error }
 */
import express from 'express';

interface Product {
  id: string;
  name: string;
  price: number;
}

const products = new Map<string, Product>([
  ['p-100', { id: 'p-100', name: 'Espresso machine', price: 249.0 }],
  ['p-200', { id: 'p-200', name: 'Burr grinder', price: 129.5 }],
  ['p-300', { id: 'p-300', name: 'Milk jug', price: 14.9 }],
]);

const app = express();

app.get('/products/:id', (req, res) => {
  const product = products.get(req.params.id);
  if (!product) {
    res.status(404).json({ error: `no product ${req.params.id}` });
    return;
  }
  res.json(product);
});

const port = Number(process.env.PORT ?? 4101);
const host = process.env.HOST ?? '127.0.0.1';
app.listen(port, host, (err?: Error) => {
  if (err) throw err;
  console.log(`catalog listening on http://${host}:${port}`);
});
