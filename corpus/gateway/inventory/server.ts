/**
 * inventory: stock levels and reservations (fastify, in memory).
 *   GET /stock/:productId → 200 { productId, available } or 404
 *   POST /reservations { orderId, productId, quantity } → 201 { orderId, productId, quantity },
 *     409 when the order already holds a reservation or the stock is too low, 404 for an unknown product
 *   GET /reservations/:orderId → 200 the reservation, or 404
 */
import Fastify from 'fastify';

interface Reservation {
  orderId: string;
  productId: string;
  quantity: number;
}

const stock = new Map<string, number>([
  ['p-100', 50_000],
  ['p-200', 50_000],
  ['p-300', 0],
]);
const reservations = new Map<string, Reservation>();

const app = Fastify({ logger: false });

app.get<{ Params: { productId: string } }>('/stock/:productId', async (request, reply) => {
  const available = stock.get(request.params.productId);
  if (available === undefined) return reply.code(404).send({ error: `no stock record for ${request.params.productId}` });
  return { productId: request.params.productId, available };
});

app.post<{ Body: Reservation }>(
  '/reservations',
  {
    schema: {
      body: {
        type: 'object',
        required: ['orderId', 'productId', 'quantity'],
        properties: {
          orderId: { type: 'string' },
          productId: { type: 'string' },
          quantity: { type: 'integer', minimum: 1 },
        },
      },
    },
  },
  async (request, reply) => {
    const { orderId, productId, quantity } = request.body;
    const available = stock.get(productId);
    if (available === undefined) return reply.code(404).send({ error: `no stock record for ${productId}` });
    if (reservations.has(orderId)) return reply.code(409).send({ error: `order ${orderId} already holds a reservation` });
    if (available < quantity) return reply.code(409).send({ error: `only ${available} of ${productId} left` });
    stock.set(productId, available - quantity);
    const reservation = { orderId, productId, quantity };
    reservations.set(orderId, reservation);
    return reply.code(201).send(reservation);
  },
);

app.get<{ Params: { orderId: string } }>('/reservations/:orderId', async (request, reply) => {
  const reservation = reservations.get(request.params.orderId);
  if (!reservation) return reply.code(404).send({ error: `no reservation for ${request.params.orderId}` });
  return reservation;
});

const port = Number(process.env.PORT ?? 4103);
const host = process.env.HOST ?? '127.0.0.1';
app.listen({ port, host }).then(
  (address) => console.log(`inventory listening on ${address}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
