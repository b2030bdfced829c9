/**
 * pricing: current prices (fastify).
 *   GET /prices/:sku → 200 { sku, amount, currency, provider } (amount in cents), or 404
 */
import Fastify from 'fastify';

const prices = new Map<string, { amount: number; currency: string }>([
  ['kb-201', { amount: 8900, currency: 'EUR' }],
  ['ms-330', { amount: 3450, currency: 'EUR' }],
]);

const app = Fastify({ logger: false });

app.get<{ Params: { sku: string } }>('/prices/:sku', async (request, reply) => {
  const price = prices.get(request.params.sku);
  if (!price) return reply.code(404).send({ error: `no price for ${request.params.sku}` });
  return { sku: request.params.sku, ...price, provider: 'spring-pricelist' };
});

const port = Number(process.env.PORT ?? 4402);
const host = process.env.HOST ?? '127.0.0.1';
app.listen({ port, host }).then(
  (address) => console.log(`pricing listening on ${address}`),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
